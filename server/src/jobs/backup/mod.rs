//! Backups (AVG-20): `winkel backup create | list | verify NAME | restore
//! NAME [--into DATABASE_URL] [--yes]` and the nightly backup of `winkel
//! serve`.
//!
//! A backup is one file in the backup folder: a consistent snapshot of the
//! database (one read transaction) plus the uploads folder, in the format of
//! [`format`]. Writing goes to a temporary name, is fsynced and verified, and
//! only then renamed; only after that is the oldest backup beyond the kept
//! count removed. Restoring re-applies every erasure made after the backup
//! ([`restore`]), so an erased customer never comes back.

pub mod create;
pub mod format;
pub mod read;
pub mod restore;

use crate::error::CliError;
use format::{fk_order, Column, Kind, TableDef, NOT_BACKED_UP};
use sea_orm::{ConnectionTrait, DatabaseBackend, DbErr, Statement};
use std::path::{Path, PathBuf};

pub use create::{create, nightly, run_cli as create_cli, Created};
pub use restore::{restore, RestoreOptions, RestoreReport};

/// The job's name in `job_runs` and `job_leases`.
pub const JOB: &str = "backup";

#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    #[error("{0}")]
    Io(String),
    #[error("the backup is damaged ({0}); nothing was changed")]
    Corrupt(String),
    #[error("the backup is incomplete (truncated); nothing was changed")]
    Truncated,
    #[error("the backup has schema version {backup}, newer than this winkel knows (latest {latest}); restore it with a newer winkel")]
    NewerSchema { backup: String, latest: String },
    #[error("the database is not empty; add --yes to replace everything in it with the backup")]
    NotEmpty,
    #[error("{0}")]
    Refused(String),
    #[error("database error: {0}")]
    Database(#[from] DbErr),
    #[error("{0}")]
    App(#[from] app::error::AppError),
}

impl BackupError {
    pub fn corrupt(detail: String) -> Self {
        Self::Corrupt(detail)
    }
}

impl From<BackupError> for CliError {
    fn from(error: BackupError) -> Self {
        match error {
            BackupError::Database(e) => CliError::Database(e),
            other => CliError::Job(other.to_string()),
        }
    }
}

/// Where backups go and what they take along.
#[derive(Debug, Clone)]
pub struct BackupConfig {
    /// `WINKEL_BACKUP_DIR`.
    pub dir: PathBuf,
    /// The uploads folder, backed up with the database.
    pub uploads_dir: PathBuf,
    /// Folders served to the web (the site root): the backup folder may not
    /// lie inside them.
    pub public_dirs: Vec<PathBuf>,
    /// `WINKEL_BACKUP_AGE_RECIPIENT`: encrypt backups to this age X25519
    /// recipient (`age1…`). The server needs only this public key.
    pub age_recipient: Option<String>,
    /// `WINKEL_BACKUP_AGE_IDENTITY`: the age identity file that decrypts
    /// them, for verify and restore. Kept off the server where possible;
    /// when present at `create`, the new backup is verified completely.
    pub age_identity: Option<PathBuf>,
}

/// An absolute, normalised form of a path that may not exist yet.
fn absolute(path: &Path) -> PathBuf {
    let base = std::env::current_dir().unwrap_or_default().join(path);
    let mut out = PathBuf::new();
    for part in base.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            std::path::Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

impl BackupConfig {
    /// Backups hold personal data: never inside the site root or the
    /// uploads folder, where the web server could hand them out.
    pub fn check_location(&self) -> Result<(), BackupError> {
        let dir = absolute(&self.dir);
        for public in self.public_dirs.iter().chain([&self.uploads_dir]) {
            if dir.starts_with(absolute(public)) {
                return Err(BackupError::Refused(format!(
                    "WINKEL_BACKUP_DIR {} lies inside {}, which is served to the web; choose a folder outside it",
                    self.dir.display(),
                    public.display()
                )));
            }
        }
        Ok(())
    }

    /// The recipient to encrypt to, checked.
    pub fn recipient(&self) -> Result<Option<age::x25519::Recipient>, BackupError> {
        self.age_recipient
            .as_deref()
            .map(|r| {
                r.parse::<age::x25519::Recipient>().map_err(|e| {
                    BackupError::Refused(format!(
                        "WINKEL_BACKUP_AGE_RECIPIENT is not an age recipient (age1…): {e}"
                    ))
                })
            })
            .transpose()
    }

    /// A backup by name in the folder, or a path given as it is.
    pub fn resolve(&self, name: &str) -> PathBuf {
        let given = Path::new(name);
        if given.components().count() > 1 || given.is_absolute() {
            given.to_path_buf()
        } else {
            self.dir.join(name)
        }
    }
}

/// One backup in the folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Listed {
    pub name: String,
    pub size: u64,
}

/// The backups in the folder, oldest first.
pub fn list(dir: &Path) -> Result<Vec<Listed>, BackupError> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(BackupError::Io(format!(
                "cannot read {}: {e}",
                dir.display()
            )))
        }
    };
    let names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    Ok(format::backups_oldest_first(&names)
        .into_iter()
        .map(|name| {
            let size = std::fs::metadata(dir.join(&name))
                .map(|m| m.len())
                .unwrap_or(0);
            Listed { name, size }
        })
        .collect())
}

/// A size for people: "12.3 MB".
pub fn human_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if bytes < 1000 {
        return format!("{bytes} B");
    }
    let mut value = bytes as f64 / 1000.0;
    let mut unit = 0;
    while value >= 1000.0 && unit < UNITS.len() - 1 {
        value /= 1000.0;
        unit += 1;
    }
    format!("{value:.1} {}", UNITS[unit])
}

pub(crate) fn quote(backend: DatabaseBackend, name: &str) -> String {
    match backend {
        DatabaseBackend::MySql => format!("`{}`", name.replace('`', "``")),
        _ => format!("\"{}\"", name.replace('"', "\"\"")),
    }
}

async fn strings(
    db: &impl ConnectionTrait,
    sql: String,
    values: Vec<sea_orm::Value>,
) -> Result<Vec<Vec<String>>, DbErr> {
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    rows.iter()
        .map(|row| {
            let mut out = Vec::new();
            let mut i = 0;
            while let Ok(value) = row.try_get_by_index::<Option<String>>(i) {
                out.push(value.unwrap_or_default());
                i += 1;
            }
            Ok(out)
        })
        .collect()
}

/// Every table of the database (the catalog, not a list in the code: a
/// table added by a migration is backed up without anyone remembering to).
pub async fn all_tables(db: &impl ConnectionTrait) -> Result<Vec<String>, DbErr> {
    let sql = match db.get_database_backend() {
        DatabaseBackend::MySql => "SELECT CAST(table_name AS CHAR) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE'",
        _ => "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    };
    let mut tables: Vec<String> = strings(db, sql.to_owned(), vec![])
        .await?
        .into_iter()
        .filter_map(|r| r.into_iter().next())
        .collect();
    tables.sort();
    Ok(tables)
}

/// The migrations applied to `db`, oldest first (none on an empty one).
pub async fn applied_migrations(db: &impl ConnectionTrait) -> Result<Vec<String>, BackupError> {
    if !all_tables(db)
        .await?
        .iter()
        .any(|t| t == "seaql_migrations")
    {
        return Ok(Vec::new());
    }
    let backend = db.get_database_backend();
    let rows = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT version FROM seaql_migrations ORDER BY version",
        ))
        .await?;
    Ok(rows
        .iter()
        .filter_map(|r| r.try_get_by_index::<String>(0).ok())
        .collect())
}

/// The tables a backup carries, parents before children, with their
/// columns and primary keys from the catalog.
pub async fn schema(db: &impl ConnectionTrait) -> Result<Vec<TableDef>, BackupError> {
    let backend = db.get_database_backend();
    let tables: Vec<String> = all_tables(db)
        .await?
        .into_iter()
        .filter(|t| !NOT_BACKED_UP.contains(&t.as_str()))
        .collect();
    let edges: Vec<(String, String)> = match backend {
        DatabaseBackend::MySql => strings(
            db,
            "SELECT CAST(table_name AS CHAR), CAST(referenced_table_name AS CHAR) FROM information_schema.key_column_usage WHERE table_schema = DATABASE() AND referenced_table_name IS NOT NULL".into(),
            vec![],
        )
        .await?,
        _ => {
            let mut all = Vec::new();
            for t in &tables {
                for row in strings(
                    db,
                    "SELECT ?, \"table\" FROM pragma_foreign_key_list(?)".into(),
                    vec![t.clone().into(), t.clone().into()],
                )
                .await?
                {
                    all.push(row);
                }
            }
            all
        }
    }
    .into_iter()
    .filter_map(|r| match r.as_slice() {
        [child, parent] => Some((child.clone(), parent.clone())),
        _ => None,
    })
    .collect();
    let mut defs = Vec::new();
    for name in fk_order(&tables, &edges) {
        // name, type, position in the primary key (0 = not in it). Generated
        // columns (MariaDB's `customers.account_email`) are left out: the
        // database computes them, and a restore may not write them.
        let sql = match backend {
            DatabaseBackend::MySql => "SELECT CAST(column_name AS CHAR), CAST(data_type AS CHAR), CAST(IF(column_key = 'PRI', ordinal_position, 0) AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ? AND is_generated = 'NEVER' ORDER BY ordinal_position",
            _ => "SELECT name, type, CAST(pk AS TEXT) FROM pragma_table_info(?) ORDER BY cid",
        };
        let rows = strings(db, sql.into(), vec![name.clone().into()]).await?;
        let mut columns = Vec::new();
        let mut key: Vec<(i64, String)> = Vec::new();
        for row in rows {
            let [column, sql_type, pk] = row.as_slice() else {
                continue;
            };
            let kind = Kind::of_sql_type(sql_type).ok_or_else(|| {
                BackupError::Refused(format!(
                    "column {name}.{column} has type {sql_type}, which backups cannot carry exactly"
                ))
            })?;
            columns.push(Column {
                name: column.clone(),
                kind,
            });
            let position: i64 = pk.parse().unwrap_or(0);
            if position > 0 {
                key.push((position, column.clone()));
            }
        }
        key.sort();
        defs.push(TableDef {
            name,
            columns,
            primary_key: key.into_iter().map(|(_, c)| c).collect(),
        });
    }
    Ok(defs)
}
