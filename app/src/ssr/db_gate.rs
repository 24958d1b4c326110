//! The shop's gate to its database (issue 18): a circuit breaker.
//!
//! While the database server is away, every connection attempt waits the
//! pool's acquire timeout (3 s) before it fails, and a page that reads
//! three things one after another would keep its visitor 9 s before the
//! 503. So the first request that finds the database away closes the gate:
//! from then on every server function and page answers 503 at once, without
//! touching the database (`state()`, `db()` and `session()` check the
//! gate), and one task pings the database until it answers, then opens the
//! gate again. Recovery therefore needs no request and no restart: within
//! a ping's retry step (at most 0.6 s) of the database accepting
//! connections again, plus [`PROBE_INTERVAL`].
//!
//! Only an *away* database closes the gate (`DbFault::Away`); a full disk or
//! a lock held too long refuses that one write and leaves the gate open, and
//! so does a peak: a request that waited in vain for a connection while
//! every connection of the pool was busy is told "busy, try again" (503
//! `Busy`), and the others go on being served.

use sea_orm::DatabaseConnection;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// The pause between two pings of an away database.
pub const PROBE_INTERVAL: Duration = Duration::from_millis(250);

#[derive(Debug, Default)]
pub struct DbGate {
    closed: AtomicBool,
    probing: AtomicBool,
}

impl DbGate {
    /// Whether requests may use the database.
    pub fn is_open(&self) -> bool {
        !self.closed.load(Ordering::Acquire)
    }

    /// A request found no connection to the database (refused, broken, or
    /// none free in time). Unless every connection of the pool is busy
    /// (a peak, not an away database: returns `false` and leaves the gate
    /// open), closes the gate and pings `db` until it answers (one pinging
    /// task at a time); returns `true`.
    pub fn note_away(self: &Arc<Self>, db: &DatabaseConnection) -> bool {
        if pool_saturated(db) {
            return false;
        }
        self.closed.store(true, Ordering::Release);
        if self.probing.swap(true, Ordering::AcqRel) {
            return true;
        }
        tracing::warn!("database away: answering 503 until it is back");
        let gate = Arc::clone(self);
        let db = db.clone();
        tokio::spawn(async move {
            while db.ping().await.is_err() {
                tokio::time::sleep(PROBE_INTERVAL).await;
            }
            gate.closed.store(false, Ordering::Release);
            gate.probing.store(false, Ordering::Release);
            tracing::warn!("database back: serving again");
        });
        true
    }
}

/// Whether every connection the pool may open is open and in use: a
/// request that found none free in time met a peak, not an away database
/// (whose connections break and are dropped).
fn pool_saturated(db: &DatabaseConnection) -> bool {
    fn saturated<DB: sea_orm::sqlx::Database>(pool: &sea_orm::sqlx::Pool<DB>) -> bool {
        !pool.is_closed()
            && pool.size() >= pool.options().get_max_connections()
            && pool.num_idle() == 0
    }
    match db.get_database_backend() {
        sea_orm::DatabaseBackend::Sqlite => saturated(db.get_sqlite_connection_pool()),
        sea_orm::DatabaseBackend::MySql => saturated(db.get_mysql_connection_pool()),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn the_gate_opens_again_once_the_database_answers() {
        // Two connections: SeaORM keeps an in-memory database's one
        // connection in use, which would look like a peak.
        let db = sea_orm::Database::connect(
            sea_orm::ConnectOptions::new("sqlite::memory:")
                .max_connections(2)
                .to_owned(),
        )
        .await
        .expect("an in-memory database");
        let gate = Arc::new(DbGate::default());
        assert!(gate.is_open());
        assert!(gate.note_away(&db), "an idle pool is not a peak");
        assert!(!gate.is_open(), "closed at once");
        for _ in 0..100 {
            if gate.is_open() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        panic!("the gate stayed closed although the database answers");
    }

    #[tokio::test]
    async fn a_busy_pool_is_a_peak_not_an_away_database() {
        let db = sea_orm::Database::connect(
            sea_orm::ConnectOptions::new("sqlite::memory:")
                .max_connections(1)
                .to_owned(),
        )
        .await
        .expect("an in-memory database");
        let held = db
            .get_sqlite_connection_pool()
            .acquire()
            .await
            .expect("the one connection");
        let gate = Arc::new(DbGate::default());
        assert!(!gate.note_away(&db), "every connection in use: a peak");
        assert!(gate.is_open());
        drop(held);
    }

    #[tokio::test]
    async fn the_gate_stays_closed_while_the_database_is_away() {
        let db = sea_orm::Database::connect("sqlite::memory:")
            .await
            .expect("an in-memory database");
        db.clone().close().await.expect("closed");
        let gate = Arc::new(DbGate::default());
        assert!(gate.note_away(&db));
        tokio::time::sleep(PROBE_INTERVAL * 3).await;
        assert!(!gate.is_open(), "a closed pool never answers a ping");
    }
}
