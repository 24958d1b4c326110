//! Restoring a backup, and replaying the erasures made after it.
//!
//! Order of work, so that a bad file or a refused restore changes nothing:
//! 1. the whole file is read and every sum checked (a damaged or truncated
//!    file is refused here);
//! 2. its schema version is checked: newer than this binary knows is
//!    refused; older is fine (restored at its version, then migrated up);
//! 3. a database holding data is replaced only with `--yes`;
//! 4. the erasure tombstones and consent withdrawals newer than the
//!    backup are read from the current database(s) BEFORE anything is
//!    overwritten;
//! 5. the schema is brought to the backup's version, then in ONE
//!    transaction every table is emptied, loaded in batches (foreign key
//!    checks deferred), the tombstones are replayed (erasures first, then
//!    withdrawn newsletter consent), and it commits;
//! 6. the database is migrated to the latest version and the uploads are
//!    put in place.
//!
//! Sessions and privacy-request links are not in a backup; the restore ends
//! them all (everyone logs in again), as none may outlive the data it was
//! made for.

use super::format::{Cell, Column, Manifest, NOT_BACKED_UP};
use super::read::{self, Event};
use super::{all_tables, applied_migrations, quote, schema, BackupError};
use crate::jobs::progress::bar;
use app::ssr::entities::{customer, erasure};
use app::ssr::services::consent::{self, Withdrawal};
use app::ssr::services::privacy::{self, ErasureReason};
use chrono::{Duration, NaiveDateTime};
use indicatif::ProgressBar;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseBackend, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QuerySelect, Statement, TransactionTrait,
};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};
use tokio::sync::mpsc;

/// Prefix of the folder in the uploads folder where a restore puts the
/// files until the database is committed.
pub const UPLOADS_TEMP: &str = ".restore-";

/// Bound parameters per INSERT: below SQLite's 32766 and MariaDB's 65535.
const MAX_PARAMS: usize = 30_000;
const MAX_ROWS_PER_INSERT: usize = 1000;

/// Tombstones this close before the backup's time are replayed too: an
/// erasure stamped just before the snapshot may have committed after it.
const REPLAY_SLACK: Duration = Duration::minutes(1);

#[derive(Debug, Clone)]
pub struct RestoreOptions {
    /// Replace a database that holds data.
    pub yes: bool,
    /// Where the backup's uploads go.
    pub uploads_dir: PathBuf,
    /// The age identity file, for an encrypted backup.
    pub age_identity: Option<PathBuf>,
    pub show_progress: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RestoreReport {
    pub migration_version: String,
    pub rows: u64,
    pub files: usize,
    /// Customers in the backup that were erased again (erased after it).
    pub erased_again: usize,
    /// Tombstones newer than the backup written into the restored database.
    pub tombstones: usize,
    /// Customers in the backup whose newsletter consent was withdrawn
    /// after it, withdrawn again.
    pub withdrawn_again: u64,
}

/// A tombstone from the current database.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Tombstone {
    pub erased_at: NaiveDateTime,
    pub customer_id: i32,
    pub reason: String,
}

/// The tombstones in `db` at or after `since`; none when it has no
/// `erasures` table (an empty database).
pub async fn tombstones_since(
    db: &impl ConnectionTrait,
    since: NaiveDateTime,
) -> Result<Vec<Tombstone>, BackupError> {
    if !all_tables(db).await?.iter().any(|t| t == "erasures") {
        return Ok(Vec::new());
    }
    Ok(erasure::Entity::find()
        .filter(erasure::Column::ErasedAt.gte(since))
        .all(db)
        .await?
        .into_iter()
        .map(|e| Tombstone {
            erased_at: e.erased_at,
            customer_id: e.customer_id,
            reason: e.reason,
        })
        .collect())
}

/// The consent withdrawals in `db` at or after `since`; none when it has
/// no `consent_withdrawals` table (empty, or older than migration 17).
pub async fn withdrawals_since(
    db: &impl ConnectionTrait,
    since: NaiveDateTime,
) -> Result<Vec<Withdrawal>, BackupError> {
    if !all_tables(db)
        .await?
        .iter()
        .any(|t| t == "consent_withdrawals")
    {
        return Ok(Vec::new());
    }
    Ok(consent::since(db, since).await?)
}

/// What a restore replays: erasures, then withdrawn consent.
#[derive(Debug, Clone, Default)]
struct Replay {
    tombstones: BTreeSet<Tombstone>,
    withdrawals: BTreeSet<Withdrawal>,
}

impl Replay {
    fn is_empty(&self) -> bool {
        self.tombstones.is_empty() && self.withdrawals.is_empty()
    }
}

fn reason_of(text: &str) -> ErasureReason {
    match text {
        "own_request" => ErasureReason::OwnRequest,
        "retention" => ErasureReason::Retention,
        _ => ErasureReason::Staff,
    }
}

async fn has_data(db: &impl ConnectionTrait) -> Result<bool, BackupError> {
    let backend = db.get_database_backend();
    for table in all_tables(db).await? {
        // What the migrations seed is no shop's data (see SEEDED_TABLES).
        if NOT_BACKED_UP.contains(&table.as_str())
            || migrations::SEEDED_TABLES.contains(&table.as_str())
        {
            continue;
        }
        let row = db
            .query_one_raw(Statement::from_string(
                backend,
                format!("SELECT 1 FROM {} LIMIT 1", quote(backend, &table)),
            ))
            .await?;
        if row.is_some() {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Position of the backup's version among the migrations this binary
/// knows; a version it does not know is newer (refused).
pub fn version_index(version: &str) -> Result<usize, BackupError> {
    Migrator::migrations()
        .iter()
        .position(|m| m.name() == version)
        .ok_or_else(|| BackupError::NewerSchema {
            backup: version.to_owned(),
            latest: migrations::latest_version(),
        })
}

/// Restores the backup at `path` into `target`. `tombstone_sources` are
/// other databases whose erasures must also survive (the shop's live
/// database when restoring `--into` another one); the target's own are
/// always read.
pub async fn restore(
    target: &DatabaseConnection,
    path: &Path,
    tombstone_sources: &[DatabaseConnection],
    options: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let checked = path.to_path_buf();
    let identity = options.age_identity.clone();
    let manifest =
        tokio::task::spawn_blocking(move || read::verify_file(&checked, identity.as_deref()))
            .await
            .map_err(|e| BackupError::Io(format!("reading the backup failed: {e}")))??;
    let version = version_index(&manifest.migration_version)?;
    let applied = applied_migrations(target).await?;
    if let Some(unknown) = applied.iter().find(|v| version_index(v).is_err()) {
        return Err(BackupError::Refused(format!(
            "the target database has schema version {unknown}, newer than this winkel knows"
        )));
    }
    if !options.yes && has_data(target).await? {
        return Err(BackupError::NotEmpty);
    }
    let created_at = manifest
        .created_at()
        .ok_or_else(|| BackupError::corrupt("its creation time is unreadable".into()))?;
    let since = created_at - REPLAY_SLACK;
    let mut replays = Replay::default();
    for db in std::iter::once(target).chain(tombstone_sources) {
        replays
            .tombstones
            .extend(tombstones_since(db, since).await?);
        replays
            .withdrawals
            .extend(withdrawals_since(db, since).await?);
    }

    // The schema at the backup's version: back down if the target is newer,
    // up if it is older or empty.
    let wanted = version + 1;
    let steps = |n: usize| Some(u32::try_from(n).unwrap_or(u32::MAX));
    if applied.len() > wanted {
        Migrator::down(target, steps(applied.len() - wanted))
            .await
            .map_err(|e| BackupError::Refused(format!("cannot step the schema back: {e}")))?;
    } else if applied.len() < wanted {
        Migrator::up(target, steps(wanted - applied.len()))
            .await
            .map_err(|e| BackupError::Refused(format!("cannot create the schema: {e}")))?;
    }
    check_columns(target, &manifest).await?;

    let staging = options.uploads_dir.join(format!(
        "{UPLOADS_TEMP}{}",
        created_at.format("%Y%m%dT%H%M%S")
    ));
    let _ = std::fs::remove_dir_all(&staging);
    // The replay needs the schema this binary knows (`erase_customers`):
    // inside the load's transaction when the backup has that version,
    // otherwise in a second transaction once migrated up.
    let latest = version + 1 == Migrator::migrations().len();
    let (now, later) = if latest {
        (replays, Replay::default())
    } else {
        (Replay::default(), replays)
    };
    let loaded = load(target, path, &manifest, &staging, now, options).await;
    let mut report = match loaded {
        Ok(report) => report,
        Err(error) => {
            let _ = std::fs::remove_dir_all(&staging);
            return Err(error);
        }
    };
    crate::schema::migrate(target)
        .await
        .map_err(|e| BackupError::Refused(e.to_string()))?;
    if !later.is_empty() {
        let txn = target.begin().await?;
        let (erased_again, written, withdrawn_again) = replay_all(&txn, later).await?;
        txn.commit().await?;
        report.erased_again = erased_again;
        report.tombstones = written;
        report.withdrawn_again = withdrawn_again;
    }
    place_uploads(&staging, &options.uploads_dir)?;
    // Running instances drop the catalogue they hold from before.
    if let Err(error) = app::ssr::cache_sync::bump(target).await {
        tracing::warn!(%error, "telling running instances about the restore failed");
    }
    Ok(report)
}

/// Every table of the backup must exist in the target at its version (the
/// columns are checked by the INSERTs, inside the transaction).
async fn check_columns(
    target: &DatabaseConnection,
    manifest: &Manifest,
) -> Result<(), BackupError> {
    let current = schema(target).await?;
    for table in &manifest.tables {
        if !current.iter().any(|t| t.name == table.name) {
            return Err(BackupError::Refused(format!(
                "the database has no table {} at schema version {}",
                table.name, manifest.migration_version
            )));
        }
    }
    Ok(())
}

enum Load {
    Table(String, Vec<Column>),
    Rows(Vec<Vec<Cell>>),
    File(String, Vec<u8>),
}

/// Reads the file on a blocking thread, sending rows in INSERT-sized
/// batches.
fn spawn_reader(
    path: PathBuf,
    identity: Option<PathBuf>,
    tx: mpsc::Sender<Load>,
) -> tokio::task::JoinHandle<Result<(), BackupError>> {
    tokio::task::spawn_blocking(move || {
        let mut reader = read::open(&path, identity.as_deref(), true)?;
        let mut batch: Vec<Vec<Cell>> = Vec::new();
        let mut per_insert = MAX_ROWS_PER_INSERT;
        let stopped = || BackupError::Io("the restore stopped".into());
        while let Some(event) = reader.next_event()? {
            match event {
                Event::Table { name, columns } => {
                    per_insert = (MAX_PARAMS / columns.len().max(1)).clamp(1, MAX_ROWS_PER_INSERT);
                    tx.blocking_send(Load::Table(name, columns))
                        .map_err(|_| stopped())?;
                }
                Event::Row(Some(cells)) => {
                    batch.push(cells);
                    if batch.len() >= per_insert {
                        tx.blocking_send(Load::Rows(std::mem::take(&mut batch)))
                            .map_err(|_| stopped())?;
                    }
                }
                Event::Row(None) => {}
                Event::TableEnd => {
                    if !batch.is_empty() {
                        tx.blocking_send(Load::Rows(std::mem::take(&mut batch)))
                            .map_err(|_| stopped())?;
                    }
                }
                Event::File { path, bytes } => {
                    tx.blocking_send(Load::File(path, bytes))
                        .map_err(|_| stopped())?;
                }
            }
        }
        Ok(())
    })
}

async fn insert(
    txn: &DatabaseTransaction,
    table: &str,
    columns: &[Column],
    rows: Vec<Vec<Cell>>,
) -> Result<(), BackupError> {
    let backend = txn.get_database_backend();
    let names = columns
        .iter()
        .map(|c| quote(backend, &c.name))
        .collect::<Vec<_>>()
        .join(", ");
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut sql = format!("INSERT INTO {} ({names}) VALUES ", quote(backend, table));
    let mut values = Vec::with_capacity(rows.len() * columns.len());
    for (i, row) in rows.into_iter().enumerate() {
        if i > 0 {
            sql.push_str(", ");
        }
        sql.push_str(&one);
        for (cell, column) in row.into_iter().zip(columns) {
            values.push(cell.into_value(column.kind));
        }
    }
    txn.execute_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    Ok(())
}

/// A relative path from the backup that stays inside the uploads folder.
fn safe_relative(path: &str) -> Option<PathBuf> {
    let rel = PathBuf::from(path);
    let plain = !path.is_empty() && rel.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(rel)
}

async fn load(
    target: &DatabaseConnection,
    path: &Path,
    manifest: &Manifest,
    staging: &Path,
    tombstones: Replay,
    options: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let backend = target.get_database_backend();
    let txn = target.begin().await?;
    let defer = match backend {
        DatabaseBackend::MySql => "SET FOREIGN_KEY_CHECKS = 0",
        _ => "PRAGMA defer_foreign_keys = ON",
    };
    txn.execute_unprepared(defer).await?;
    let result = load_in(&txn, path, manifest, staging, tombstones, options).await;
    if backend == DatabaseBackend::MySql {
        // The setting belongs to the pooled connection: never hand it back
        // with the checks off.
        let _ = txn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1").await;
    }
    match result {
        Ok(report) => {
            txn.commit().await?;
            Ok(report)
        }
        Err(error) => {
            let _ = txn.rollback().await;
            Err(error)
        }
    }
}

async fn load_in(
    txn: &DatabaseTransaction,
    path: &Path,
    manifest: &Manifest,
    staging: &Path,
    tombstones: Replay,
    options: &RestoreOptions,
) -> Result<RestoreReport, BackupError> {
    let backend = txn.get_database_backend();
    // Empty every backed-up table, children first, and end every session.
    let tables = schema(txn).await?;
    for table in tables.iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {}", quote(backend, &table.name)))
            .await?;
    }
    txn.execute_unprepared("DELETE FROM sessions").await?;
    if all_tables(txn)
        .await?
        .iter()
        .any(|t| t == "privacy_requests")
    {
        txn.execute_unprepared("DELETE FROM privacy_requests")
            .await?;
    }

    let total: u64 = manifest.tables.iter().map(|t| t.rows).sum();
    let progress = if options.show_progress {
        bar(total, "restore")
    } else {
        ProgressBar::hidden()
    };
    let (tx, mut rx) = mpsc::channel(8);
    let reader = spawn_reader(path.to_path_buf(), options.age_identity.clone(), tx);
    let mut current: Option<(String, Vec<Column>)> = None;
    let mut files = 0usize;
    let mut loading: Result<(), BackupError> = Ok(());
    while let Some(item) = rx.recv().await {
        let step = match item {
            Load::Table(name, columns) => {
                current = Some((name, columns));
                Ok(())
            }
            Load::Rows(rows) => match &current {
                Some((name, columns)) => {
                    let n = rows.len() as u64;
                    let done = insert(txn, name, columns, rows).await;
                    progress.inc(n);
                    done
                }
                None => Err(BackupError::corrupt("rows outside a table".into())),
            },
            Load::File(rel, bytes) => match safe_relative(&rel) {
                Some(rel) => {
                    files += 1;
                    write_staged(staging, &rel, &bytes)
                }
                None => Err(BackupError::corrupt(format!("unsafe file path {rel}"))),
            },
        };
        if let Err(error) = step {
            loading = Err(error);
            break;
        }
    }
    drop(rx);
    let read = reader
        .await
        .map_err(|e| BackupError::Io(format!("reading the backup failed: {e}")))?;
    loading?;
    read?;
    progress.finish_and_clear();

    if backend == DatabaseBackend::MySql {
        // Cascades (a customer's questions) run only with the checks on.
        txn.execute_unprepared("SET FOREIGN_KEY_CHECKS = 1").await?;
    }
    let (erased_again, written, withdrawn_again) = replay_all(txn, tombstones).await?;
    Ok(RestoreReport {
        migration_version: manifest.migration_version.clone(),
        rows: total,
        files,
        erased_again,
        tombstones: written,
        withdrawn_again,
    })
}

fn write_staged(staging: &Path, rel: &Path, bytes: &[u8]) -> Result<(), BackupError> {
    let path = staging.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| BackupError::Io(format!("cannot create {}: {e}", parent.display())))?;
    }
    std::fs::write(&path, bytes)
        .map_err(|e| BackupError::Io(format!("cannot write {}: {e}", path.display())))
}

/// Moves the restored files over the uploads folder. Files that are not in
/// the backup stay: nothing in the restored database refers to them.
fn place_uploads(staging: &Path, uploads: &Path) -> Result<(), BackupError> {
    if !staging.exists() {
        return Ok(());
    }
    let mut folders = vec![PathBuf::new()];
    while let Some(rel) = folders.pop() {
        let from = staging.join(&rel);
        let entries = std::fs::read_dir(&from)
            .map_err(|e| BackupError::Io(format!("cannot read {}: {e}", from.display())))?;
        for entry in entries.flatten() {
            let rel = rel.join(entry.file_name());
            if entry.file_type().is_ok_and(|t| t.is_dir()) {
                folders.push(rel);
                continue;
            }
            let to = uploads.join(&rel);
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).map_err(|e| {
                    BackupError::Io(format!("cannot create {}: {e}", parent.display()))
                })?;
            }
            std::fs::rename(entry.path(), &to)
                .map_err(|e| BackupError::Io(format!("cannot write {}: {e}", to.display())))?;
        }
    }
    let _ = std::fs::remove_dir_all(staging);
    Ok(())
}

/// Replays erasures, then withdrawn consent (of the customers still
/// there). Returns (customers erased again, tombstones written, customers
/// withdrawn again).
async fn replay_all(
    txn: &DatabaseTransaction,
    replays: Replay,
) -> Result<(usize, usize, u64), BackupError> {
    let (erased_again, written) = replay(txn, replays.tombstones).await?;
    let withdrawals: Vec<Withdrawal> = replays.withdrawals.into_iter().collect();
    let (withdrawn_again, _) = if withdrawals.is_empty() {
        (0, 0)
    } else {
        consent::reapply(txn, &withdrawals).await?
    };
    Ok((erased_again, written, withdrawn_again))
}

/// Re-applies the erasures made after the backup: a customer in the
/// restored data who was erased since is erased again, with
/// `privacy::erase_customers` (orders anonymised, tombstone written again
/// with its original time and reason). A tombstone of a customer the backup
/// does not hold (created after it) is kept as it is, so that a later
/// restore of an even older backup still honours it. Returns (customers
/// erased again, tombstones written).
async fn replay(
    txn: &DatabaseTransaction,
    tombstones: BTreeSet<Tombstone>,
) -> Result<(usize, usize), BackupError> {
    if tombstones.is_empty() {
        return Ok((0, 0));
    }
    let ids: Vec<i32> = tombstones
        .iter()
        .map(|t| t.customer_id)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut present = BTreeSet::new();
    for chunk in ids.chunks(500) {
        let found: Vec<i32> = customer::Entity::find()
            .select_only()
            .column(customer::Column::Id)
            .filter(customer::Column::Id.is_in(chunk.iter().copied()))
            .into_tuple()
            .all(txn)
            .await?;
        present.extend(found);
    }
    // The earliest erasure of each present customer erases them; the
    // others of the same customer are written as they were.
    let mut groups: BTreeMap<(NaiveDateTime, String), Vec<i32>> = BTreeMap::new();
    let mut as_is = Vec::new();
    let mut erased = BTreeSet::new();
    for t in tombstones {
        if present.contains(&t.customer_id) && erased.insert(t.customer_id) {
            groups
                .entry((t.erased_at, t.reason.clone()))
                .or_default()
                .push(t.customer_id);
        } else {
            as_is.push(t);
        }
    }
    let mut written = 0;
    for ((at, reason), ids) in &groups {
        privacy::erase_customers(txn, ids, reason_of(reason), *at).await?;
        written += ids.len();
    }
    for t in as_is {
        let exists = erasure::Entity::find()
            .filter(erasure::Column::CustomerId.eq(t.customer_id))
            .filter(erasure::Column::ErasedAt.eq(t.erased_at))
            .one(txn)
            .await?
            .is_some();
        if !exists {
            erasure::Entity::insert(erasure::ActiveModel {
                customer_id: Set(t.customer_id),
                reason: Set(t.reason),
                erased_at: Set(t.erased_at),
                ..Default::default()
            })
            .exec(txn)
            .await?;
            written += 1;
        }
    }
    Ok((erased.len(), written))
}

#[cfg(test)]
mod tests {
    use super::super::format::Kind;
    use super::*;

    #[test]
    fn only_plain_relative_paths_are_restored() {
        assert_eq!(
            safe_relative("products/1.jpg"),
            Some(PathBuf::from("products/1.jpg"))
        );
        for bad in ["", "../x", "/etc/passwd", "a/../../b", "./a"] {
            assert_eq!(safe_relative(bad), None, "{bad}");
        }
    }

    #[test]
    fn unknown_schema_versions_are_newer() {
        assert!(version_index(&migrations::latest_version()).is_ok());
        assert!(matches!(
            version_index("m29990101_000001_future"),
            Err(BackupError::NewerSchema { .. })
        ));
    }

    #[test]
    fn kinds_type_their_nulls() {
        assert_eq!(
            Cell::Null.into_value(Kind::DateTime),
            sea_orm::Value::ChronoDateTime(None)
        );
    }
}
