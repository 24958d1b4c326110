//! Taking a backup: one read transaction, rows paged by primary key; pages
//! are encoded and hashed on one thread and compressed on another while the
//! next page is fetched; then fsync, read back, rename, rotate.
//!
//! Here the orchestration (the three stages, naming, rename, the command
//! line and the nightly job); the stages are `dump` (reading the database
//! and the uploads), `encode` (lines and sums) and `write` (compressing,
//! encrypting, fsync, reading back, the folder and its rotation).

mod dump;
mod encode;
mod write;

use super::format::{backup_name_for, Manifest, ENCRYPTED_SUFFIX, TEMP_PREFIX};
use super::{human_size, BackupConfig, BackupError, JOB};
use crate::error::CliError;
use crate::jobs::scheduler::{holder_id, record_run, JobFuture, Lease, NightlyJob};
use app::ssr::now_utc;
use app::ssr::services::jobs::RunOutcome;
use chrono::{NaiveDateTime, NaiveTime};
use sea_orm::DatabaseConnection;
use std::path::{Path, PathBuf};
use std::sync::mpsc as std_mpsc;
use std::sync::Arc;
use tokio::sync::mpsc;

pub use dump::upload_files;
pub use write::rotate;

/// Pages read ahead of the encoder.
const PAGES_AHEAD: usize = 2;
/// Bytes handed to the compressor at once, and chunks queued for it.
const CHUNK: usize = 1 << 20;
const CHUNKS_AHEAD: usize = 4;

/// A finished, verified backup.
#[derive(Debug, Clone)]
pub struct Created {
    pub name: String,
    pub path: PathBuf,
    pub size: u64,
    pub manifest: Manifest,
    /// Read back byte for byte against the sum taken while writing (see
    /// `write::read_back`); an encrypted backup is also decrypted and every
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

fn io(path: &Path, what: &str, e: std::io::Error) -> BackupError {
    BackupError::Io(format!("cannot {what} {}: {e}", path.display()))
}

fn stopped() -> BackupError {
    BackupError::Io("the backup writer stopped".into())
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
    write::prepare_folder(&config.dir)?;
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
    let writer = write::spawn_writer(temp.to_path_buf(), recipient, chunk_rx)?;
    let (job_tx, job_rx) = mpsc::channel(PAGES_AHEAD);
    let encoder = tokio::task::spawn_blocking(move || encode::encode(job_rx, chunk_tx));
    let dumped = dump::dump(db, config, now, &job_tx, show_progress).await;
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
    write::read_back(temp, config, encrypted, (size, sum), manifest).await
}

/// How many backups to keep: `backups_keep` from the CMS settings.
pub async fn keep_count(db: &DatabaseConnection) -> Result<usize, BackupError> {
    Ok(app::ssr::services::settings::load(db).await?.backups_keep as usize)
}

fn outcome(created: &Created) -> RunOutcome {
    RunOutcome {
        deleted: i64::try_from(created.removed.len()).unwrap_or(i64::MAX),
        anonymised: 0,
        detail: Some(created.summary()),
    }
}

/// Reads how many backups to keep, then takes one.
async fn take(
    db: &DatabaseConnection,
    config: &BackupConfig,
    now: NaiveDateTime,
    show_progress: bool,
) -> Result<Created, BackupError> {
    let keep = keep_count(db).await?;
    create(db, config, keep, now, show_progress).await
}

/// `winkel backup create`: takes the job's lease (never two backups at
/// once, nor one beside the server's nightly run; it is renewed while long
/// backups work) and records the run, as the scheduler does.
pub async fn run_cli(db: &DatabaseConnection, config: &BackupConfig) -> Result<(), CliError> {
    let now = now_utc();
    let Some(lease) = Lease::take(db, JOB, &holder_id(), now).await? else {
        return Err(CliError::Job(
            "a backup is being made elsewhere (a server's nightly run); try again later".into(),
        ));
    };
    let mut taken = None;
    let work = async {
        let result = take(db, config, now, true).await;
        let recorded = result.as_ref().map(outcome).map_err(ToString::to_string);
        taken = Some(result);
        recorded
    };
    let recorded = record_run(db, JOB, now, work).await;
    lease.release().await?;
    // A failed record is the error; else the backup's own error, whole, is
    // in `taken` (the recorded outcome only has its text).
    let _outcome = recorded?;
    let Some(result) = taken else {
        return Err(CliError::Job("the backup did not run".into()));
    };
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
                    take(&db, &config, now, false)
                        .await
                        .map(|created| outcome(&created))
                        .map_err(|e| e.to_string())
                })
            },
        ),
    }
}
