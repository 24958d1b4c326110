//! The database schema: which migrations it has, migrating it once when
//! several instances start together, and refusing a schema this binary
//! does not know.
//!
//! Several `winkel serve` (or `winkel migrate` on several hosts) may start
//! at once on one database. Two `Migrator::up` at the same moment would
//! both create the same tables, so one of them migrates and the others
//! wait. The lock is a row in a table of its own (`MIGRATION_LOCK`), not
//! MariaDB's `GET_LOCK`: named locks belong to one server, and on a Galera
//! cluster each node has its own. A row with a primary key is the same row
//! on every node; the second instance's insert fails on the key (or, on
//! another node at the same moment, on Galera's certification), so it
//! waits. The holder refreshes the row while it migrates; a row left by a
//! migration that was killed is taken over once it is stale.

use crate::error::CliError;
use app::ssr::db_fault::{self, DbFault};
use migrations::{Migrator, MigratorTrait};
use sea_orm::sea_query::{ColumnDef, Expr, ExprTrait, Query, Table};
use sea_orm::{
    ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement, StatementBuilder,
    TransactionTrait,
};
use std::time::{Duration, Instant};

/// The table holding the migration lock. Not a migration's table: it must
/// exist before the first migration runs. Not backed up (`NOT_BACKED_UP`).
pub const MIGRATION_LOCK: &str = "winkel_migration_lock";
/// The lock's one row.
const LOCK_NAME: &str = "schema";

/// How often the holder refreshes its row.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// How old (in seconds) a row may get before another instance takes it
/// over: its holder died.
const STALE_AFTER: i64 = 60;
/// How long an instance waits for another one's migration.
const WAIT_AT_MOST: Duration = Duration::from_secs(600);
const POLL: Duration = Duration::from_millis(250);

/// Where the database's schema stands against this binary's migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SchemaState {
    /// Every migration this binary knows is applied, and no other.
    Current,
    /// Migrations are missing (an empty database has all of them missing).
    Behind {
        /// The newest migration applied, if any.
        at: Option<String>,
        pending: usize,
    },
    /// The database has a migration this binary does not know: a newer
    /// winkel migrated it.
    Ahead { unknown: String },
}

/// Compares the applied migrations with the known ones (both oldest first).
pub fn state_of(applied: &[String], known: &[String]) -> SchemaState {
    if let Some(unknown) = applied.iter().find(|v| !known.contains(v)) {
        return SchemaState::Ahead {
            unknown: unknown.clone(),
        };
    }
    let pending = known.iter().filter(|v| !applied.contains(v)).count();
    if pending == 0 {
        SchemaState::Current
    } else {
        SchemaState::Behind {
            at: known.iter().rev().find(|v| applied.contains(v)).cloned(),
            pending,
        }
    }
}

/// The migrations this binary knows, oldest first.
pub fn known_migrations() -> Vec<String> {
    Migrator::migrations()
        .iter()
        .map(|m| m.name().to_owned())
        .collect()
}

/// The database's schema state.
pub async fn schema_state(db: &impl ConnectionTrait) -> Result<SchemaState, CliError> {
    let applied = crate::jobs::backup::applied_migrations(db)
        .await
        .map_err(|e| CliError::Migration(e.to_string()))?;
    Ok(state_of(&applied, &known_migrations()))
}

/// For `WINKEL_MIGRATE_ON_START=false`: serves only a schema this binary
/// knows exactly; says what to do otherwise.
pub async fn require_current(db: &impl ConnectionTrait) -> Result<(), CliError> {
    match schema_state(db).await? {
        SchemaState::Current => Ok(()),
        SchemaState::Behind { at, pending } => Err(CliError::Schema(format!(
            "the database is at {} and {pending} migration(s) are pending (latest {}); run `winkel migrate` first (WINKEL_MIGRATE_ON_START=false)",
            at.as_deref().unwrap_or("no schema yet"),
            migrations::latest_version()
        ))),
        SchemaState::Ahead { unknown } => Err(ahead(&unknown)),
    }
}

fn ahead(unknown: &str) -> CliError {
    CliError::Schema(format!(
        "the database has migration {unknown}, which this winkel does not know (it knows up to {}): a newer winkel migrated it; run that version",
        migrations::latest_version()
    ))
}

/// Applies pending migrations, one instance at a time; refuses a newer
/// schema. Returns how many migrations it applied.
pub async fn migrate(db: &DatabaseConnection) -> Result<usize, CliError> {
    match schema_state(db).await? {
        SchemaState::Current => return Ok(0),
        SchemaState::Ahead { unknown } => return Err(ahead(&unknown)),
        SchemaState::Behind { .. } => {}
    }
    let lock = MigrationLock::take(db).await?;
    let heartbeat = lock.keep_alive(db.clone());
    let result = migrate_holding_lock(db).await;
    heartbeat.abort();
    let released = lock.release(db).await;
    let applied = result?;
    released?;
    Ok(applied)
}

async fn migrate_holding_lock(db: &DatabaseConnection) -> Result<usize, CliError> {
    let fail = |e: DbErr| CliError::Migration(e.to_string());
    // Another instance may have migrated while this one waited.
    let pending = match schema_state(db).await? {
        SchemaState::Current => return Ok(0),
        SchemaState::Ahead { unknown } => return Err(ahead(&unknown)),
        SchemaState::Behind { pending, .. } => pending,
    };
    match db.get_database_backend() {
        DatabaseBackend::MySql => {
            // One connection for the character set and every migration: a
            // pooled connection opened before `ALTER DATABASE` keeps the
            // old default and would create latin1 tables. The transaction
            // only pins the connection; each DDL statement commits itself.
            let one = db.begin().await?;
            let result = match use_utf8mb4(&one).await {
                Ok(()) => Migrator::up(&one, None).await.map_err(fail),
                Err(e) => Err(fail(e)),
            };
            one.commit().await?;
            result?;
        }
        _ => Migrator::up(db, None).await.map_err(fail)?,
    }
    Ok(pending)
}

/// Makes utf8mb4 the default of the shop's database before tables are
/// made. A MariaDB server whose default is still latin1 (a server without
/// Debian's configuration, or an older one) would otherwise create tables
/// that refuse every character outside latin1 — an arrow in a page, an
/// emoji in a name — with an error instead of storing it. Changes only the
/// default for new tables; a database that has it already is left alone.
async fn use_utf8mb4(db: &impl ConnectionTrait) -> Result<(), DbErr> {
    let charset = db
        .query_one_raw(Statement::from_string(
            DatabaseBackend::MySql,
            "SELECT DEFAULT_CHARACTER_SET_NAME AS charset FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = DATABASE()",
        ))
        .await?
        .and_then(|row| row.try_get::<String>("", "charset").ok());
    if charset.as_deref() == Some("utf8mb4") {
        return Ok(());
    }
    tracing::info!(
        from = charset.as_deref().unwrap_or("unknown"),
        "the database's default character set becomes utf8mb4"
    );
    db.execute_unprepared("ALTER DATABASE CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
        .await?;
    Ok(())
}

/// The lock row this instance holds while it migrates.
struct MigrationLock {
    holder: String,
}

fn unix_now() -> i64 {
    chrono::Utc::now().timestamp()
}

impl MigrationLock {
    /// Waits until this instance holds the lock, printing once that it
    /// waits.
    async fn take(db: &DatabaseConnection) -> Result<Self, CliError> {
        let create = Table::create()
            .table(MIGRATION_LOCK)
            .if_not_exists()
            .col(
                ColumnDef::new("name")
                    .string_len(32)
                    .not_null()
                    .primary_key(),
            )
            .col(ColumnDef::new("holder").string_len(64).not_null())
            .col(ColumnDef::new("heartbeat").big_integer().not_null())
            .to_owned();
        run(db, &create).await?;
        let holder = holder_id();
        let started = Instant::now();
        let mut told = false;
        loop {
            let insert = Query::insert()
                .into_table(MIGRATION_LOCK)
                .columns(["name", "holder", "heartbeat"])
                .values_panic([LOCK_NAME.into(), holder.clone().into(), unix_now().into()])
                .to_owned();
            let inserted = run(db, &insert).await;
            match inserted {
                Ok(_) => return Ok(Self { holder }),
                // Someone else migrates (or, on SQLite, writes just now).
                Err(e) if held_by_another(&e) || db_fault::classify(&e) == DbFault::Refusing => {}
                Err(e) => return Err(e.into()),
            }
            // A holder that stopped refreshing its row was killed.
            let stale_before = unix_now() - STALE_AFTER;
            let stale = Query::delete()
                .from_table(MIGRATION_LOCK)
                .and_where(ExprTrait::eq(Expr::col("name"), LOCK_NAME))
                .and_where(ExprTrait::lt(Expr::col("heartbeat"), stale_before))
                .to_owned();
            let removed = run(db, &stale).await?;
            if removed.rows_affected() > 0 {
                tracing::warn!("took over a migration lock left by a stopped instance");
                continue;
            }
            if !told {
                eprintln!("waiting for another instance's migration of the database…");
                told = true;
            }
            if started.elapsed() > WAIT_AT_MOST {
                return Err(CliError::Migration(format!(
                    "another instance has been migrating for {} s; if none is running, delete the row of {MIGRATION_LOCK}",
                    WAIT_AT_MOST.as_secs()
                )));
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Refreshes the row while the migration runs.
    fn keep_alive(&self, db: DatabaseConnection) -> tokio::task::JoinHandle<()> {
        let holder = self.holder.clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(HEARTBEAT).await;
                let refresh = Query::update()
                    .table(MIGRATION_LOCK)
                    .value("heartbeat", unix_now())
                    .and_where(ExprTrait::eq(Expr::col("name"), LOCK_NAME))
                    .and_where(ExprTrait::eq(Expr::col("holder"), holder.as_str()))
                    .to_owned();
                let refreshed = run(&db, &refresh).await;
                if let Err(error) = refreshed {
                    tracing::warn!(%error, "refreshing the migration lock failed");
                }
            }
        })
    }

    async fn release(self, db: &DatabaseConnection) -> Result<(), CliError> {
        let delete = Query::delete()
            .from_table(MIGRATION_LOCK)
            .and_where(ExprTrait::eq(Expr::col("name"), LOCK_NAME))
            .and_where(ExprTrait::eq(Expr::col("holder"), self.holder.as_str()))
            .to_owned();
        run(db, &delete).await?;
        Ok(())
    }
}

/// The key is taken, or Galera refused the same insert made on another
/// node at the same moment (a certification conflict).
fn held_by_another(error: &DbErr) -> bool {
    matches!(
        error.sql_err(),
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_))
    ) || db_fault::is_conflict(error)
}

/// One statement of sea-query's builders, with its values bound.
async fn run(
    db: &DatabaseConnection,
    statement: &impl StatementBuilder,
) -> Result<sea_orm::ExecResult, DbErr> {
    db.execute(statement).await
}

/// A name for this instance's hold on the lock.
fn holder_id() -> String {
    app::ssr::random_token().unwrap_or_else(|_| {
        // Unique enough without randomness: the process and the moment.
        format!(
            "{}-{}",
            std::process::id(),
            chrono::Utc::now().timestamp_nanos_opt().unwrap_or_default()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn the_state_of_a_schema() {
        let known = names(&["m1", "m2", "m3"]);
        assert_eq!(
            state_of(&names(&["m1", "m2", "m3"]), &known),
            SchemaState::Current
        );
        assert_eq!(
            state_of(&[], &known),
            SchemaState::Behind {
                at: None,
                pending: 3
            }
        );
        assert_eq!(
            state_of(&names(&["m1"]), &known),
            SchemaState::Behind {
                at: Some("m1".into()),
                pending: 2
            }
        );
        assert_eq!(
            state_of(&names(&["m1", "m2", "m3", "m4"]), &known),
            SchemaState::Ahead {
                unknown: "m4".into()
            }
        );
    }

    #[test]
    fn this_binary_knows_its_latest_migration() {
        assert_eq!(
            known_migrations().last().map(String::as_str),
            Some(migrations::latest_version().as_str())
        );
    }
}
