//! Taking a backup: one read transaction, rows paged by primary key; pages
//! are encoded and hashed on one thread and compressed on another while the
//! next page is fetched; then fsync, read back, rename, rotate.

use super::format::{
    backup_name_for, format_datetime, hex_sha256, push_date, push_datetime, Column, FileSummary,
    Kind, Manifest, Record, TableDef, TableSummary, ENCRYPTED_SUFFIX, FORMAT, TEMP_PREFIX,
};
use super::{human_size, quote, read, schema, BackupConfig, BackupError, JOB};
use crate::error::CliError;
use crate::jobs::progress::bar;
use crate::jobs::scheduler::{holder_id, JobFuture, NightlyJob, LEASE_TTL};
use app::ssr::now_utc;
use app::ssr::services::jobs::{self, RunOutcome};
use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use indicatif::ProgressBar;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, IsolationLevel,
    QueryResult, Statement, TransactionTrait,
};
use sha2::{Digest, Sha256};
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use tokio::sync::mpsc;

/// Rows per page when reading a table by primary key: large enough that
/// the per-query cost vanishes; a page of orders holds about 20 MB as the
/// driver's rows, and up to four are in flight (the peak memory of a
/// backup).
const PAGE: u64 = 20_000;
/// Pages read ahead of the encoder.
const PAGES_AHEAD: usize = 2;
/// Bytes handed to the compressor at once, and chunks queued for it.
const CHUNK: usize = 1 << 20;
const CHUNKS_AHEAD: usize = 4;
/// zstd's default level, as the `zstd` command line uses.
const LEVEL: i32 = 3;

/// A finished, verified backup.
#[derive(Debug, Clone)]
pub struct Created {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub manifest: Manifest,
    /// Read back byte for byte against the sum taken while writing (see
    /// `write_backup`); an encrypted backup is also decrypted and every
    /// checksum checked when the identity is at hand, otherwise only its
    /// age header is read and this is `false`.
    pub verified: bool,
    /// Older backups removed by rotation.
    pub removed: Vec<String>,
}

impl Created {
    /// The one line for `job_runs.detail`: name, size, verified.
    pub fn summary(&self) -> String {
        format!(
            "{}, {}, {}",
            self.name,
            human_size(self.size),
            if self.verified {
                "geverifieerd"
            } else {
                "versleuteld, niet te verifiëren zonder sleutel"
            }
        )
    }
}

/// What the reading side hands the encoding thread, in file order.
enum Job {
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

fn io(path: &Path, what: &str, e: std::io::Error) -> BackupError {
    BackupError::Io(format!("cannot {what} {}: {e}", path.display()))
}

fn stopped() -> BackupError {
    BackupError::Io("the backup writer stopped".into())
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
fn encode(
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

/// Passes writes on and takes the SHA-256 of exactly the bytes the file
/// accepted: the sum the file is read back against before it may count.
struct Hashing<W> {
    inner: W,
    hasher: Sha256,
    written: u64,
}

impl<W: Write> Write for Hashing<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.hasher.update(&buf[..n]);
        self.written += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// What the writer thread wrote: size and SHA-256 of the file's bytes.
type Written = (u64, [u8; 32]);

/// The compressing (and, with a recipient, encrypting) writer: runs on its
/// own thread, ends with fsync.
fn spawn_writer(
    path: PathBuf,
    recipient: Option<age::x25519::Recipient>,
    rx: std_mpsc::Receiver<Vec<u8>>,
) -> Result<tokio::task::JoinHandle<Result<Written, BackupError>>, BackupError> {
    // 0600: the file holds personal data.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| io(&path, "create", e))?;
    Ok(tokio::task::spawn_blocking(move || {
        let fail = |e: std::io::Error| io(&path, "write", e);
        let out = std::io::BufWriter::with_capacity(
            CHUNK,
            Hashing {
                inner: file,
                hasher: Sha256::new(),
                written: 0,
            },
        );
        let out = match recipient {
            None => compress(out, &rx).map_err(fail)?,
            Some(recipient) => {
                let encryptor = age::Encryptor::with_recipients(std::iter::once(
                    &recipient as &dyn age::Recipient,
                ))
                .map_err(|e| BackupError::Io(format!("cannot encrypt the backup: {e}")))?;
                let sealed = encryptor.wrap_output(out).map_err(fail)?;
                compress(sealed, &rx)
                    .map_err(fail)?
                    .finish()
                    .map_err(fail)?
            }
        };
        let hashing = out.into_inner().map_err(|e| fail(e.into_error()))?;
        hashing.inner.sync_all().map_err(fail)?;
        Ok((hashing.written, hashing.hasher.finalize().into()))
    }))
}

fn compress<W: Write>(out: W, rx: &std_mpsc::Receiver<Vec<u8>>) -> std::io::Result<W> {
    let mut encoder = zstd::Encoder::new(out, LEVEL)?;
    encoder.include_checksum(true)?;
    while let Ok(chunk) = rx.recv() {
        encoder.write_all(&chunk)?;
    }
    encoder.finish()
}

/// Size and SHA-256 of a file as the file system hands it back.
fn file_sum(path: &Path) -> Result<Written, BackupError> {
    use std::io::Read;
    let mut file = std::fs::File::open(path).map_err(|e| io(path, "open", e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; CHUNK];
    let mut size = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(|e| io(path, "read back", e))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((size, hasher.finalize().into()))
}

/// Reads one table's rows and hands them to the encoding thread: paged by
/// an integer primary key (a million customers never sit in memory), or,
/// for the small tables keyed otherwise (settings, staff rights), in one
/// ordered query. Returns the number of rows.
async fn dump_table(
    txn: &impl ConnectionTrait,
    table: &TableDef,
    jobs: &mpsc::Sender<Job>,
    progress: &ProgressBar,
) -> Result<u64, BackupError> {
    let backend = txn.get_database_backend();
    jobs.send(Job::Table(table.clone()))
        .await
        .map_err(|_| stopped())?;
    let columns = table
        .columns
        .iter()
        .map(|c| quote(backend, &c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let from = quote(backend, &table.name);
    let int_key = match table.primary_key.as_slice() {
        [key] => table
            .columns
            .iter()
            .position(|c| &c.name == key && c.kind == Kind::Int),
        _ => None,
    };
    let mut rows = 0u64;
    let mut last: i64 = i64::MIN;
    loop {
        let statement = match int_key {
            Some(k) => {
                let key = quote(backend, &table.columns[k].name);
                Statement::from_sql_and_values(
                    backend,
                    format!(
                        "SELECT {columns} FROM {from} WHERE {key} > ? ORDER BY {key} LIMIT {PAGE}"
                    ),
                    [last.into()],
                )
            }
            None => {
                let order = if table.primary_key.is_empty() {
                    columns.clone()
                } else {
                    table
                        .primary_key
                        .iter()
                        .map(|c| quote(backend, c))
                        .collect::<Vec<_>>()
                        .join(", ")
                };
                Statement::from_string(
                    backend,
                    format!("SELECT {columns} FROM {from} ORDER BY {order}"),
                )
            }
        };
        let page = txn.query_all_raw(statement).await?;
        let count = page.len() as u64;
        if let (Some(k), Some(row)) = (int_key, page.last()) {
            last = row.try_get_by_index::<i64>(k)?;
        }
        if count > 0 {
            jobs.send(Job::Rows(page)).await.map_err(|_| stopped())?;
        }
        rows += count;
        progress.inc(count);
        if int_key.is_none() || count < PAGE {
            break;
        }
    }
    jobs.send(Job::TableEnd).await.map_err(|_| stopped())?;
    Ok(rows)
}

/// The files under `root`, as sorted relative paths with `/`; symlinks and
/// anything but plain files are left out.
pub fn upload_files(root: &Path) -> Result<Vec<String>, BackupError> {
    let mut found = Vec::new();
    let mut folders = vec![PathBuf::new()];
    while let Some(rel) = folders.pop() {
        let dir = root.join(&rel);
        let entries = match std::fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => return Err(io(&dir, "read", e)),
        };
        for entry in entries {
            let entry = entry.map_err(|e| io(&dir, "read", e))?;
            let kind = entry.file_type().map_err(|e| io(&dir, "read", e))?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            // A restore's own temporary folder is not part of the uploads.
            if name.starts_with(super::restore::UPLOADS_TEMP) {
                continue;
            }
            let path = rel.join(name);
            if kind.is_dir() {
                folders.push(path);
            } else if kind.is_file() {
                if let Some(text) = path.to_str() {
                    found.push(text.replace(std::path::MAIN_SEPARATOR, "/"));
                }
            }
        }
    }
    found.sort();
    Ok(found)
}

/// Makes the folder (0700) and removes what a crashed run left behind.
fn prepare_folder(dir: &Path) -> Result<(), BackupError> {
    std::fs::create_dir_all(dir).map_err(|e| io(dir, "create", e))?;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
        .map_err(|e| io(dir, "protect", e))?;
    for entry in std::fs::read_dir(dir)
        .map_err(|e| io(dir, "read", e))?
        .flatten()
    {
        if entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with(TEMP_PREFIX))
        {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Takes a backup of `db` and the uploads into the backup folder, verifies
/// it and keeps the newest `keep` backups.
pub async fn create(
    db: &DatabaseConnection,
    config: &BackupConfig,
    keep: usize,
    now: NaiveDateTime,
    show_progress: bool,
) -> Result<Created, BackupError> {
    config.check_location()?;
    let recipient = config.recipient()?;
    prepare_folder(&config.dir)?;
    let encrypted = recipient.is_some();
    let taken = |n: &String| {
        // The same second, encrypted or not, gets the next number.
        let plain = n.strip_suffix(ENCRYPTED_SUFFIX).unwrap_or(n);
        config.dir.join(plain).exists()
            || config
                .dir
                .join(format!("{plain}{ENCRYPTED_SUFFIX}"))
                .exists()
    };
    let name = (1..)
        .map(|n| backup_name_for(now, n, encrypted))
        .find(|n| !taken(n))
        .unwrap_or_else(|| backup_name_for(now, 1, encrypted));
    let temp = config.dir.join(format!("{TEMP_PREFIX}{name}"));
    let result = write_backup(db, config, recipient, &temp, now, show_progress).await;
    let (size, manifest, verified) = match result {
        Ok(done) => done,
        Err(error) => {
            let _ = std::fs::remove_file(&temp);
            return Err(error);
        }
    };
    let path = config.dir.join(&name);
    std::fs::rename(&temp, &path).map_err(|e| io(&path, "rename to", e))?;
    // The rename itself is durable only once the folder is synced.
    if let Ok(folder) = std::fs::File::open(&config.dir) {
        let _ = folder.sync_all();
    }
    let removed = rotate(&config.dir, keep)?;
    Ok(Created {
        name,
        path,
        size,
        manifest,
        verified,
        removed,
    })
}

async fn write_backup(
    db: &DatabaseConnection,
    config: &BackupConfig,
    recipient: Option<age::x25519::Recipient>,
    temp: &Path,
    now: NaiveDateTime,
    show_progress: bool,
) -> Result<(u64, Manifest, bool), BackupError> {
    let encrypted = recipient.is_some();
    // Three stages, each on its own thread: reading pages from the
    // database (here), encoding and hashing rows, compressing and writing.
    // Bounded channels keep memory flat and let a slow stage hold the
    // others back.
    let (chunk_tx, chunk_rx) = std_mpsc::sync_channel(CHUNKS_AHEAD);
    let writer = spawn_writer(temp.to_path_buf(), recipient, chunk_rx)?;
    let (job_tx, job_rx) = mpsc::channel(PAGES_AHEAD);
    let encoder = tokio::task::spawn_blocking(move || encode(job_rx, chunk_tx));
    let dumped = dump(db, config, now, &job_tx, show_progress).await;
    drop(job_tx);
    let encoded = encoder
        .await
        .map_err(|e| BackupError::Io(format!("the backup encoder failed: {e}")))?;
    let written = writer
        .await
        .map_err(|e| BackupError::Io(format!("the backup writer failed: {e}")))?;
    // The first cause wins: a writer that failed (disk full) stops the
    // encoder, an encoder that failed stops the reading side.
    let (size, sum) = written?;
    let manifest = encoded?;
    dumped?;
    let manifest = manifest.ok_or_else(stopped)?;

    // Before it may count as a backup (and before rotation may remove an
    // older one), the file is read back. The safety argument, without a
    // second decompression and hashing of every row:
    // - every table sum in the manifest was taken once, over exactly the
    //   bytes handed to the compressor, and the manifest is written last,
    //   so a stream cut short has no manifest and a reader refuses it;
    // - zstd adds its frame checksum over those same bytes, checked by
    //   every verify and restore;
    // - the SHA-256 of every byte the file accepted was taken as it was
    //   written; the fsynced file is read back from the file system and must
    //   have the same size and sum, so a short or failed write, a full disk
    //   or a file changed behind our back never replaces a good backup.
    // What is not re-proven on each run is that zstd (and age) decode their
    // own output; the tests read every backup they make completely.
    let (read_size, read_sum) = {
        let path = temp.to_path_buf();
        tokio::task::spawn_blocking(move || file_sum(&path))
            .await
            .map_err(|e| BackupError::Io(format!("reading the backup back failed: {e}")))??
    };
    let on_disk = std::fs::metadata(temp)
        .map_err(|e| io(temp, "stat", e))?
        .len();
    if (read_size, read_sum) != (size, sum) || on_disk != size {
        return Err(BackupError::corrupt(
            "the written file reads back differently".into(),
        ));
    }
    if !encrypted {
        return Ok((size, manifest, true));
    }
    if config.age_identity.is_none() {
        // Without the identity (kept off the server) only the age header
        // can be read back.
        let file = std::fs::File::open(temp).map_err(|e| io(temp, "open", e))?;
        age::Decryptor::new_buffered(std::io::BufReader::new(file)).map_err(|e| {
            BackupError::corrupt(format!("its encryption header is unreadable: {e}"))
        })?;
        return Ok((size, manifest, false));
    }
    // With the identity at hand the backup is decrypted and read completely:
    // that also proves the identity opens it.
    let path = temp.to_path_buf();
    let identity = config.age_identity.clone();
    let verified =
        tokio::task::spawn_blocking(move || read::verify_file(&path, identity.as_deref()))
            .await
            .map_err(|e| BackupError::Io(format!("verifying failed: {e}")))??;
    if verified != manifest {
        return Err(BackupError::corrupt(
            "the written file reads back differently".into(),
        ));
    }
    Ok((size, manifest, true))
}

async fn send(jobs: &mpsc::Sender<Job>, job: Job) -> Result<(), BackupError> {
    jobs.send(job).await.map_err(|_| stopped())
}

async fn dump(
    db: &DatabaseConnection,
    config: &BackupConfig,
    now: NaiveDateTime,
    jobs: &mpsc::Sender<Job>,
    show_progress: bool,
) -> Result<(), BackupError> {
    let created_at = format_datetime(now);
    // One snapshot for every table: REPEATABLE READ (InnoDB's consistent
    // read) on MariaDB; on SQLite a read transaction sees one snapshot of
    // the WAL from its first read on.
    let txn = match db.get_database_backend() {
        DatabaseBackend::MySql => {
            db.begin_with_config(
                Some(IsolationLevel::RepeatableRead),
                Some(AccessMode::ReadOnly),
            )
            .await?
        }
        _ => db.begin().await?,
    };
    // The version of the database itself (it may lag behind this binary).
    let migration_version = super::applied_migrations(&txn)
        .await?
        .pop()
        .unwrap_or_else(migrations::latest_version);
    let tables = schema(&txn).await?;
    let estimates = row_estimates(&txn, &tables).await?;
    let progress = if show_progress {
        bar(estimates.iter().sum(), "backup")
    } else {
        ProgressBar::hidden()
    };
    send(
        jobs,
        Job::Header {
            migration_version,
            created_at,
        },
    )
    .await?;
    for (table, estimate) in tables.iter().zip(&estimates) {
        let rows = dump_table(&txn, table, jobs, &progress).await?;
        // The estimate was only for the bar: once a table is done its true
        // count replaces it.
        if let Some(len) = progress.length() {
            progress.set_length((len + rows).saturating_sub(*estimate));
        }
    }
    txn.commit().await?;
    progress.finish_and_clear();

    for rel in upload_files(&config.uploads_dir)? {
        let path = config.uploads_dir.join(&rel);
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| io(&path, "read", e))?;
        send(jobs, Job::File { path: rel, bytes }).await?;
    }
    send(jobs, Job::Finish).await
}

/// Rows per table for the progress bar. MariaDB's `COUNT(*)` scans the
/// whole table (seconds for millions of rows, longer than a fast backup
/// should spend before writing anything), so there its statistics'
/// estimate is used; SQLite's count is exact and quick at a shop's size.
async fn row_estimates(
    txn: &impl ConnectionTrait,
    tables: &[TableDef],
) -> Result<Vec<u64>, BackupError> {
    let backend = txn.get_database_backend();
    let mut estimates = Vec::with_capacity(tables.len());
    for table in tables {
        let statement = match backend {
            DatabaseBackend::MySql => Statement::from_sql_and_values(
                backend,
                "SELECT CAST(COALESCE(table_rows, 0) AS SIGNED) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
                [table.name.clone().into()],
            ),
            _ => Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM {}", quote(backend, &table.name)),
            ),
        };
        let row = txn.query_one_raw(statement).await?;
        estimates.push(
            row.and_then(|r| r.try_get_by_index::<i64>(0).ok())
                .unwrap_or(0)
                .max(0) as u64,
        );
    }
    Ok(estimates)
}

/// Removes the oldest backups beyond `keep`; returns their names.
pub fn rotate(dir: &Path, keep: usize) -> Result<Vec<String>, BackupError> {
    let names: Vec<String> = super::list(dir)?.into_iter().map(|l| l.name).collect();
    let removed = super::format::beyond_keep(&names, keep.max(1));
    for name in &removed {
        let path = dir.join(name);
        std::fs::remove_file(&path).map_err(|e| io(&path, "remove", e))?;
    }
    Ok(removed)
}

/// How many backups to keep: `backups_keep` from the CMS settings.
pub async fn keep_count(db: &DatabaseConnection) -> Result<usize, BackupError> {
    Ok(app::ssr::services::settings::load(db).await?.backups_keep as usize)
}

fn outcome(created: &Created) -> RunOutcome {
    RunOutcome {
        deleted: created.removed.len() as i64,
        anonymised: 0,
        detail: Some(created.summary()),
    }
}

/// `winkel backup create`: takes the job's lease (never two backups at
/// once, nor one beside the server's nightly run) and records the run.
pub async fn run_cli(db: &DatabaseConnection, config: &BackupConfig) -> Result<(), CliError> {
    let now = now_utc();
    let holder = holder_id();
    if !jobs::try_lease(db, JOB, &holder, now, LEASE_TTL).await? {
        return Err(CliError::Job(
            "a backup is being made elsewhere (a server's nightly run); try again later".into(),
        ));
    }
    // Long backups outlive the lease: renew it while working.
    let renewer = {
        let (db, holder) = (db.clone(), holder.clone());
        tokio::spawn(async move {
            loop {
                tokio::time::sleep((LEASE_TTL / 3).to_std().unwrap_or_default()).await;
                let _ = jobs::try_lease(&db, JOB, &holder, now_utc(), LEASE_TTL).await;
            }
        })
    };
    let run_id = jobs::start_run(db, JOB, now).await?;
    let result = match keep_count(db).await {
        Ok(keep) => create(db, config, keep, now, true).await,
        Err(e) => Err(e),
    };
    renewer.abort();
    let recorded = match &result {
        Ok(created) => jobs::finish_run(db, run_id, Ok(&outcome(created)), now_utc()).await,
        Err(error) => jobs::finish_run(db, run_id, Err(&error.to_string()), now_utc()).await,
    };
    jobs::release_lease(db, JOB, &holder).await?;
    recorded?;
    let created = result?;
    let rows: u64 = created.manifest.tables.iter().map(|t| t.rows).sum();
    eprintln!(
        "backup {} ({}, {} rows, {} files) written and {}",
        created.name,
        human_size(created.size),
        rows,
        created.manifest.files.len(),
        if created.verified {
            "verified"
        } else {
            "encrypted (not verified: WINKEL_BACKUP_AGE_IDENTITY is not set)"
        }
    );
    for name in &created.removed {
        eprintln!("removed the old backup {name}");
    }
    println!("{}", created.path.display());
    Ok(())
}

/// The nightly backup for the scheduler.
pub fn nightly(at: NaiveTime, config: BackupConfig) -> NightlyJob {
    let config = Arc::new(config);
    NightlyJob {
        name: JOB,
        at,
        run: Arc::new(
            move |db: DatabaseConnection, now: NaiveDateTime| -> JobFuture {
                let config = Arc::clone(&config);
                Box::pin(async move {
                    let keep = keep_count(&db).await.map_err(|e| e.to_string())?;
                    create(&db, &config, keep, now, false)
                        .await
                        .map(|created| outcome(&created))
                        .map_err(|e| e.to_string())
                })
            },
        ),
    }
}
