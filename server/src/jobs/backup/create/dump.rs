//! The reading side: one snapshot of the database, read table by table in
//! pages, then the uploads, all handed to the encoding stage in file order.

use super::encode::Job;
use super::{io, stopped};
use crate::jobs::backup::format::{format_datetime, Kind, TableDef};
use crate::jobs::backup::{quote, schema, BackupConfig, BackupError};
use crate::jobs::progress::bar;
use chrono::NaiveDateTime;
use indicatif::ProgressBar;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseBackend, DatabaseConnection, IsolationLevel, Statement,
    TransactionTrait,
};
use std::path::{Path, PathBuf};
use tokio::sync::mpsc;

/// Rows per page when reading a table by primary key: large enough that
/// the per-query cost vanishes; a page of orders holds about 20 MB as the
/// driver's rows, and up to four are in flight (the peak memory of a
/// backup).
const PAGE: u64 = 20_000;

async fn send(jobs: &mpsc::Sender<Job>, job: Job) -> Result<(), BackupError> {
    jobs.send(job).await.map_err(|_| stopped())
}

pub(super) async fn dump(
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
    let migration_version = crate::jobs::backup::applied_migrations(&txn)
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
                .and_then(|n| u64::try_from(n).ok())
                .unwrap_or(0),
        );
    }
    Ok(estimates)
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
            if name.starts_with(crate::jobs::backup::restore::UPLOADS_TEMP) {
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
