//! The encoding stage: the rows and files handed over by the reading side
//! become the backup's JSON lines, hashed table by table, and go on to the
//! compressor in chunks.

use super::{stopped, CHUNK};
use crate::jobs::backup::format::{
    hex_sha256, push_date, push_datetime, Column, FileSummary, Kind, Manifest, Record, TableDef,
    TableSummary, FORMAT,
};
use crate::jobs::backup::BackupError;
use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{DbErr, QueryResult};
use sha2::{Digest, Sha256};
use std::sync::mpsc as std_mpsc;
use tokio::sync::mpsc;

/// What the reading side hands the encoding thread, in file order.
pub(super) enum Job {
    Header {
        migration_version: String,
        created_at: String,
    },
    Table(TableDef),
    /// One page of the current table, encoded and hashed off the thread
    /// that reads from the database, so that the next page is fetched
    /// meanwhile.
    Rows(Vec<QueryResult>),
    TableEnd,
    File {
        path: String,
        bytes: Vec<u8>,
    },
    /// Everything is sent: write the manifest.
    Finish,
}

/// The encoding thread's side: turns [`Job`]s into the file's lines, hashes
/// them (every table sum is taken ONCE, over exactly the bytes handed to the
/// compressor) and passes them on in chunks.
struct Encoder {
    out: Vec<u8>,
    chunks: std_mpsc::SyncSender<Vec<u8>>,
    header: Option<(String, String)>,
    table: Option<(TableDef, Sha256, u64)>,
    tables: Vec<TableSummary>,
    files: Vec<FileSummary>,
}

impl Encoder {
    fn flush(&mut self) -> Result<(), BackupError> {
        if self.out.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.out, Vec::with_capacity(CHUNK + 64 * 1024));
        self.chunks.send(chunk).map_err(|_| stopped())
    }

    fn maybe_flush(&mut self) -> Result<(), BackupError> {
        if self.out.len() >= CHUNK {
            self.flush()?;
        }
        Ok(())
    }

    fn record(&mut self, record: &Record) -> Result<(), BackupError> {
        serde_json::to_writer(&mut self.out, record)
            .map_err(|e| BackupError::Io(format!("cannot encode a record: {e}")))?;
        self.out.push(b'\n');
        self.maybe_flush()
    }

    fn job(&mut self, job: Job) -> Result<Option<Manifest>, BackupError> {
        match job {
            Job::Header {
                migration_version,
                created_at,
            } => {
                self.record(&Record::Header {
                    format: FORMAT,
                    migration_version: migration_version.clone(),
                    created_at: created_at.clone(),
                })?;
                self.header = Some((migration_version, created_at));
            }
            Job::Table(table) => {
                self.record(&Record::Table {
                    name: table.name.clone(),
                    columns: table.columns.clone(),
                })?;
                self.table = Some((table, Sha256::new(), 0));
            }
            Job::Rows(page) => {
                let Some((table, mut hasher, mut rows)) = self.table.take() else {
                    return Err(BackupError::Io("rows outside a table".into()));
                };
                for row in &page {
                    let start = self.out.len();
                    encode_row(row, &table.columns, &mut self.out)?;
                    hasher.update(&self.out[start..]);
                    rows += 1;
                    self.maybe_flush()?;
                }
                self.table = Some((table, hasher, rows));
            }
            Job::TableEnd => {
                let Some((table, hasher, rows)) = self.table.take() else {
                    return Err(BackupError::Io("a table end without a table".into()));
                };
                let sha256 = hex_sha256(hasher);
                self.record(&Record::TableEnd {
                    rows,
                    sha256: sha256.clone(),
                })?;
                self.tables.push(TableSummary {
                    name: table.name,
                    rows,
                    sha256,
                });
            }
            Job::File { path, bytes } => {
                let size = bytes.len() as u64;
                self.record(&Record::File {
                    path: path.clone(),
                    size,
                })?;
                self.flush()?;
                self.files.push(FileSummary {
                    path,
                    size,
                    sha256: hex_sha256(Sha256::new_with_prefix(&bytes)),
                });
                self.chunks.send(bytes).map_err(|_| stopped())?;
                self.out.push(b'\n');
            }
            Job::Finish => {
                let (migration_version, created_at) = self
                    .header
                    .take()
                    .ok_or_else(|| BackupError::Io("no header was written".into()))?;
                let manifest = Manifest {
                    format: FORMAT,
                    migration_version,
                    created_at,
                    tables: std::mem::take(&mut self.tables),
                    files: std::mem::take(&mut self.files),
                };
                self.record(&Record::Manifest(manifest.clone()))?;
                self.flush()?;
                return Ok(Some(manifest));
            }
        }
        Ok(None)
    }
}

/// The encoding thread: returns the manifest it wrote last, or `None` when
/// the reading side stopped before [`Job::Finish`] (its error is reported).
pub(super) fn encode(
    mut jobs: mpsc::Receiver<Job>,
    chunks: std_mpsc::SyncSender<Vec<u8>>,
) -> Result<Option<Manifest>, BackupError> {
    let mut encoder = Encoder {
        out: Vec::with_capacity(CHUNK + 64 * 1024),
        chunks,
        header: None,
        table: None,
        tables: Vec::new(),
        files: Vec::new(),
    };
    while let Some(job) = jobs.blocking_recv() {
        if let Some(manifest) = encoder.job(job)? {
            return Ok(Some(manifest));
        }
    }
    Ok(None)
}

fn cell_error(e: sea_orm::sqlx::Error) -> BackupError {
    BackupError::Database(DbErr::Type(e.to_string()))
}

/// Text and blobs are borrowed from the driver's row instead of copied
/// into a `String` per cell.
fn text(row: &QueryResult, i: usize) -> Result<Option<&str>, BackupError> {
    use sea_orm::sqlx::Row;
    if let Some(r) = row.try_as_mysql_row() {
        return r.try_get::<Option<&str>, _>(i).map_err(cell_error);
    }
    if let Some(r) = row.try_as_sqlite_row() {
        return r.try_get::<Option<&str>, _>(i).map_err(cell_error);
    }
    Err(BackupError::Io("an unknown database driver".into()))
}

fn blob(row: &QueryResult, i: usize) -> Result<Option<&[u8]>, BackupError> {
    use sea_orm::sqlx::Row;
    if let Some(r) = row.try_as_mysql_row() {
        return r.try_get::<Option<&[u8]>, _>(i).map_err(cell_error);
    }
    if let Some(r) = row.try_as_sqlite_row() {
        return r.try_get::<Option<&[u8]>, _>(i).map_err(cell_error);
    }
    Err(BackupError::Io("an unknown database driver".into()))
}

/// Appends one row as its JSON line, straight from the driver's row: the
/// same bytes as `serde_json` writes for [`Cell::to_json`]'s values (so
/// sums and older readers are unaffected), without building them.
fn encode_row(row: &QueryResult, columns: &[Column], out: &mut Vec<u8>) -> Result<(), BackupError> {
    fn json<T: serde::Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), BackupError> {
        serde_json::to_writer(out, value)
            .map_err(|e| BackupError::Io(format!("cannot encode a row: {e}")))
    }
    const NULL: &[u8] = b"null";
    out.push(b'[');
    for (i, column) in columns.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        match column.kind {
            Kind::Int => match row.try_get_by_index::<Option<i64>>(i)? {
                Some(v) => json(out, &v)?,
                None => out.extend_from_slice(NULL),
            },
            Kind::Bool => match row.try_get_by_index::<Option<bool>>(i)? {
                Some(v) => json(out, &v)?,
                None => out.extend_from_slice(NULL),
            },
            Kind::Text => match text(row, i)? {
                Some(v) => json(out, v)?,
                None => out.extend_from_slice(NULL),
            },
            Kind::DateTime => match row.try_get_by_index::<Option<NaiveDateTime>>(i)? {
                Some(v) => {
                    out.push(b'"');
                    push_datetime(out, v);
                    out.push(b'"');
                }
                None => out.extend_from_slice(NULL),
            },
            Kind::Date => match row.try_get_by_index::<Option<NaiveDate>>(i)? {
                Some(v) => {
                    out.push(b'"');
                    push_date(out, v);
                    out.push(b'"');
                }
                None => out.extend_from_slice(NULL),
            },
            Kind::Blob => match blob(row, i)? {
                Some(v) => {
                    // base64 never needs escaping.
                    out.push(b'"');
                    let mut text = String::new();
                    base64::engine::general_purpose::STANDARD.encode_string(v, &mut text);
                    out.extend_from_slice(text.as_bytes());
                    out.push(b'"');
                }
                None => out.extend_from_slice(NULL),
            },
        }
    }
    out.extend_from_slice(b"]\n");
    Ok(())
}
