//! Taking a backup: one read transaction, rows paged by primary key and
//! written as they come through a zstd encoder on its own thread, then
//! fsync, verify, rename, rotate.

use super::format::{
    backup_name_for, format_datetime, hex_sha256, Cell, FileSummary, Kind, Manifest, Record,
    TableDef, TableSummary, ENCRYPTED_SUFFIX, FORMAT, TEMP_PREFIX,
};
use super::{human_size, quote, read, schema, BackupConfig, BackupError, JOB};
use crate::error::CliError;
use crate::jobs::progress::bar;
use crate::jobs::scheduler::{holder_id, JobFuture, NightlyJob, LEASE_TTL};
use app::ssr::now_utc;
use app::ssr::services::jobs::{self, RunOutcome};
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
use std::sync::Arc;
use tokio::sync::mpsc;

/// Rows per page when reading a table by primary key.
const PAGE: u64 = 5000;
/// Bytes handed to the compressor at once.
const CHUNK: usize = 1 << 20;
/// zstd's default level, as the `zstd` command line uses.
const LEVEL: i32 = 3;

/// A finished, verified backup.
#[derive(Debug, Clone)]
pub struct Created {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub manifest: Manifest,
    /// Read back and every checksum checked. An encrypted backup is only
    /// when the identity is at hand; otherwise only its age header is.
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

/// Buffers output and hands it to the compressing thread in chunks.
struct Sink {
    buf: Vec<u8>,
    tx: mpsc::Sender<Vec<u8>>,
}

impl Sink {
    async fn write(&mut self, bytes: &[u8]) -> Result<(), BackupError> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.flush().await?;
        }
        Ok(())
    }

    async fn record(&mut self, record: &Record) -> Result<(), BackupError> {
        let mut line = serde_json::to_vec(record)
            .map_err(|e| BackupError::Io(format!("cannot encode a record: {e}")))?;
        line.push(b'\n');
        self.write(&line).await
    }

    async fn flush(&mut self) -> Result<(), BackupError> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK + 64 * 1024));
        self.tx
            .send(chunk)
            .await
            .map_err(|_| BackupError::Io("the backup writer stopped".into()))
    }
}

fn io(path: &Path, what: &str, e: std::io::Error) -> BackupError {
    BackupError::Io(format!("cannot {what} {}: {e}", path.display()))
}

/// The compressing (and, with a recipient, encrypting) writer: runs on a
/// blocking thread, ends with fsync.
fn spawn_writer(
    path: PathBuf,
    recipient: Option<age::x25519::Recipient>,
    mut rx: mpsc::Receiver<Vec<u8>>,
) -> Result<tokio::task::JoinHandle<Result<u64, BackupError>>, BackupError> {
    // 0600: the file holds personal data.
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .map_err(|e| io(&path, "create", e))?;
    Ok(tokio::task::spawn_blocking(move || {
        let fail = |e: std::io::Error| io(&path, "write", e);
        let out = std::io::BufWriter::new(file);
        let out = match recipient {
            None => compress(out, &mut rx).map_err(fail)?,
            Some(recipient) => {
                let encryptor = age::Encryptor::with_recipients(std::iter::once(
                    &recipient as &dyn age::Recipient,
                ))
                .map_err(|e| BackupError::Io(format!("cannot encrypt the backup: {e}")))?;
                let sealed = encryptor.wrap_output(out).map_err(fail)?;
                compress(sealed, &mut rx)
                    .map_err(fail)?
                    .finish()
                    .map_err(fail)?
            }
        };
        let file = out.into_inner().map_err(|e| fail(e.into_error()))?;
        file.sync_all().map_err(fail)?;
        Ok(file.metadata().map_err(fail)?.len())
    }))
}

fn compress<W: Write>(out: W, rx: &mut mpsc::Receiver<Vec<u8>>) -> std::io::Result<W> {
    let mut encoder = zstd::Encoder::new(out, LEVEL)?;
    encoder.include_checksum(true)?;
    while let Some(chunk) = rx.blocking_recv() {
        encoder.write_all(&chunk)?;
    }
    encoder.finish()
}

fn cell(row: &QueryResult, i: usize, kind: Kind) -> Result<Cell, DbErr> {
    Ok(match kind {
        Kind::Int => row
            .try_get_by_index::<Option<i64>>(i)?
            .map_or(Cell::Null, Cell::Int),
        Kind::Bool => row
            .try_get_by_index::<Option<bool>>(i)?
            .map_or(Cell::Null, Cell::Bool),
        Kind::Text => row
            .try_get_by_index::<Option<String>>(i)?
            .map_or(Cell::Null, Cell::Text),
        Kind::DateTime => row
            .try_get_by_index::<Option<NaiveDateTime>>(i)?
            .map_or(Cell::Null, Cell::DateTime),
        Kind::Date => row
            .try_get_by_index::<Option<NaiveDate>>(i)?
            .map_or(Cell::Null, Cell::Date),
        Kind::Blob => row
            .try_get_by_index::<Option<Vec<u8>>>(i)?
            .map_or(Cell::Null, Cell::Blob),
    })
}

/// Writes one table's section: rows paged by an integer primary key (a
/// million customers never sit in memory), or, for the small tables keyed
/// otherwise (settings, staff rights), in one ordered query.
async fn dump_table(
    txn: &impl ConnectionTrait,
    table: &TableDef,
    sink: &mut Sink,
    progress: &ProgressBar,
) -> Result<TableSummary, BackupError> {
    let backend = txn.get_database_backend();
    sink.record(&Record::Table {
        name: table.name.clone(),
        columns: table.columns.clone(),
    })
    .await?;
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
    let mut hasher = Sha256::new();
    let mut rows = 0u64;
    let mut last: i64 = i64::MIN;
    let mut line = Vec::with_capacity(1024);
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
        for row in &page {
            let mut cells = Vec::with_capacity(table.columns.len());
            for (i, column) in table.columns.iter().enumerate() {
                cells.push(cell(row, i, column.kind)?.to_json());
            }
            if let Some(k) = int_key {
                if let Some(serde_json::Value::Number(n)) = cells.get(k) {
                    last = n.as_i64().unwrap_or(last);
                }
            }
            line.clear();
            serde_json::to_writer(&mut line, &cells)
                .map_err(|e| BackupError::Io(format!("cannot encode a row: {e}")))?;
            line.push(b'\n');
            hasher.update(&line);
            sink.write(&line).await?;
        }
        rows += count;
        progress.inc(count);
        if int_key.is_none() || count < PAGE {
            break;
        }
    }
    let summary = TableSummary {
        name: table.name.clone(),
        rows,
        sha256: hex_sha256(hasher),
    };
    sink.record(&Record::TableEnd {
        rows,
        sha256: summary.sha256.clone(),
    })
    .await?;
    Ok(summary)
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
    let (tx, rx) = mpsc::channel(4);
    let writer = spawn_writer(temp.to_path_buf(), recipient, rx)?;
    let mut sink = Sink {
        buf: Vec::with_capacity(CHUNK + 64 * 1024),
        tx,
    };
    let dumped = dump(db, config, now, &mut sink, show_progress).await;
    let flushed = sink.flush().await;
    drop(sink);
    let written = writer
        .await
        .map_err(|e| BackupError::Io(format!("the backup writer failed: {e}")))?;
    let manifest = dumped?;
    flushed?;
    let size = written?;
    if encrypted && config.age_identity.is_none() {
        // Without the identity (kept off the server) only the age header
        // can be read back.
        let file = std::fs::File::open(temp).map_err(|e| io(temp, "open", e))?;
        age::Decryptor::new_buffered(std::io::BufReader::new(file)).map_err(|e| {
            BackupError::corrupt(format!("its encryption header is unreadable: {e}"))
        })?;
        return Ok((size, manifest, false));
    }
    // Read it all back before it may count as a backup.
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

async fn dump(
    db: &DatabaseConnection,
    config: &BackupConfig,
    now: NaiveDateTime,
    sink: &mut Sink,
    show_progress: bool,
) -> Result<Manifest, BackupError> {
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
    let backend = txn.get_database_backend();
    let mut total = 0u64;
    for table in &tables {
        let row = txn
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT COUNT(*) FROM {}", quote(backend, &table.name)),
            ))
            .await?;
        total += row
            .and_then(|r| r.try_get_by_index::<i64>(0).ok())
            .unwrap_or(0) as u64;
    }
    let progress = if show_progress {
        bar(total, "backup")
    } else {
        ProgressBar::hidden()
    };
    sink.record(&Record::Header {
        format: FORMAT,
        migration_version: migration_version.clone(),
        created_at: created_at.clone(),
    })
    .await?;
    let mut summaries = Vec::new();
    for table in &tables {
        summaries.push(dump_table(&txn, table, sink, &progress).await?);
    }
    txn.commit().await?;
    progress.finish_and_clear();

    let mut files = Vec::new();
    for rel in upload_files(&config.uploads_dir)? {
        let path = config.uploads_dir.join(&rel);
        let bytes = tokio::fs::read(&path)
            .await
            .map_err(|e| io(&path, "read", e))?;
        sink.record(&Record::File {
            path: rel.clone(),
            size: bytes.len() as u64,
        })
        .await?;
        sink.write(&bytes).await?;
        sink.write(b"\n").await?;
        files.push(FileSummary {
            path: rel,
            size: bytes.len() as u64,
            sha256: hex_sha256(Sha256::new_with_prefix(&bytes)),
        });
    }
    let manifest = Manifest {
        format: FORMAT,
        migration_version,
        created_at,
        tables: summaries,
        files,
    };
    sink.record(&Record::Manifest(manifest.clone())).await?;
    Ok(manifest)
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
    jobs::release_lease(db, JOB, &holder, now_utc()).await?;
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
