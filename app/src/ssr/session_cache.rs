//! Session rows kept in memory between requests (issue 13, goal 3), and
//! the one number that says whether they may still be used.
//!
//! A page with a session used to read its row (and the customer's first
//! name) on every request: one statement, which costs more than rendering
//! the page. This cache keeps what `DbSessionStore::load` read, per stored
//! session id, together with the **session generation** it saw before
//! reading. An entry answers a later request only while the generation is
//! unchanged, the session has not expired and the entry is younger than
//! [`MAX_AGE`].
//!
//! # Who moves the generation
//!
//! Every statement that is not a read (`is_write`) counts in
//! [`SessionCache::note_statement`], called for every statement of the
//! shop's connection (the metric callback). A request during which the
//! count moved moves the generation before its answer leaves (`winkel`'s
//! middleware `bump_after_writes`, outside the session layer, so after
//! its save). The generation moves after the commit, never
//! before it: a request that read a row just before another request's
//! commit stored that row under the old generation, which is no longer the
//! current one once the writer's answer is sent. So a logout, a new
//! password, a lock, an erasure, a new first name or a cart change made
//! through any instance shows at the very next request on every other.
//! Background work moves it the same way (`tracked`), `winkel`'s command
//! line after each command, and a watch moves it within a moment after
//! any write no request or job claimed.
//!
//! # Where the generation lives
//!
//! Every instance and every command on one database must see the same
//! number, and reading it must cost far less than the statement it saves:
//! - SQLite (one machine by nature): eight bytes in a file beside the
//!   database, `<file>-session-generation`, read with one `pread` per
//!   request;
//! - MariaDB with `WINKEL_REDIS_URL`: a count in that Redis, which a
//!   serving instance keeps its own copy of under a lease
//!   (`session_lease`): nothing to read per request, and a writer waits
//!   until every instance has the new count before its answer leaves;
//! - MariaDB without Redis: nowhere an instance could see another's
//!   change, so there is no cache and every request reads its row, as
//!   before.
//!
//! When the number cannot be read (Redis away, the file unreadable) the
//! request reads its row. A new value in the file is random, never a
//! count, and Redis's count starts at its clock: a Redis that restarted,
//! or a file put back by a restore, cannot bring an old number back that
//! an entry still holds. The file and the keys hold only numbers.

use super::session_lease::{self, SessionLease};
use super::shared_store::SharedStore;
use chrono::NaiveDateTime;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The longest an entry answers, generation or not: the bound on how long
/// a change made past the shop (by hand in the database, or while Redis
/// was away for the bump) can stay unseen.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// Entries kept at most; a full cache starts again empty (a visit costs
/// its statement once more).
const MAX_ENTRIES: usize = 10_000;

/// How often the watch looks for writes that no request or job claimed.
pub const WATCH_EVERY: Duration = Duration::from_millis(100);

/// What `load` read of one session: its stored data, its end, and the
/// first name of its logged-in customer.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub data: HashMap<String, serde_json::Value>,
    pub expires_at: NaiveDateTime,
    pub first_name: Option<String>,
}

#[derive(Debug)]
struct Entry {
    loaded: Loaded,
    generation: u64,
    filled: Instant,
}

impl Entry {
    fn answers(&self, generation: u64, now: NaiveDateTime) -> bool {
        self.generation == generation
            && self.loaded.expires_at > now
            && self.filled.elapsed() < MAX_AGE
    }
}

/// Whether a statement may change a row: anything but a read.
/// Conservative: a statement we cannot name counts as a write.
pub fn is_write(sql: &str) -> bool {
    let first = sql
        .trim_start_matches(|c: char| c.is_whitespace() || c == '(')
        .split(|c: char| c.is_whitespace() || c == '(')
        .next()
        .unwrap_or_default();
    !["SELECT", "SHOW", "EXPLAIN"]
        .iter()
        .any(|read| first.eq_ignore_ascii_case(read))
}

/// A fresh generation value.
fn fresh() -> u64 {
    let mut bytes = [0u8; 8];
    if getrandom::fill(&mut bytes).is_err() {
        // No randomness: the clock still gives a value never used before.
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        return since.as_secs() << 30 ^ u64::from(since.subsec_nanos());
    }
    u64::from_le_bytes(bytes)
}

/// Where the session generation lives (see the module docs).
#[derive(Debug, Clone)]
pub enum Generation {
    /// MariaDB without Redis: no cache.
    Off,
    /// An in-memory SQLite database: nothing outside this process sees it.
    Process,
    /// A SQLite file: the file beside it.
    File(Arc<std::fs::File>),
    /// MariaDB with `WINKEL_REDIS_URL`; a serving instance holds a lease.
    Redis {
        store: SharedStore,
        lease: Option<Arc<SessionLease>>,
    },
}

/// The generation of every in-memory database of this process.
static PROCESS_GENERATION: AtomicU64 = AtomicU64::new(1);

impl Generation {
    /// The place for the shop on `db` (with its Redis, if any).
    pub fn for_database(db: &DatabaseConnection, shared: Option<&SharedStore>) -> Self {
        match db.get_database_backend() {
            DatabaseBackend::Sqlite => {
                let options = db.get_sqlite_connection_pool().connect_options();
                Self::for_sqlite_file(options.get_filename())
            }
            _ => shared.map_or(Self::Off, |store| Self::redis(store.clone())),
        }
    }

    /// The place in Redis, for a command or a job (no lease: it only
    /// moves the count).
    pub fn redis(store: SharedStore) -> Self {
        Self::Redis { store, lease: None }
    }

    /// The place for a serving instance on `db`: as
    /// [`for_database`](Self::for_database), with a lease in Redis that
    /// lets it keep its own copy of the count (`session_lease`).
    pub fn for_instance(db: &DatabaseConnection, shared: Option<&SharedStore>) -> Self {
        match Self::for_database(db, shared) {
            Self::Redis { store, .. } => Self::Redis {
                lease: Some(SessionLease::start(store.clone())),
                store,
            },
            other => other,
        }
    }

    /// The place for the SQLite database `file` (`:memory:` and the
    /// `file:` names sqlx gives in-memory databases stay in the process).
    pub fn for_sqlite_file(file: &std::path::Path) -> Self {
        let name = file.to_string_lossy();
        if name.is_empty() || name == ":memory:" || name.starts_with("file:") {
            return Self::Process;
        }
        let opened = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(Self::file_beside(file));
        match opened {
            Ok(file) => Self::File(Arc::new(file)),
            Err(error) => {
                tracing::warn!(%error, "no session generation file: sessions are read on every request");
                Self::Off
            }
        }
    }

    /// The file of the SQLite database `file` when an instance made one
    /// (a command run where no shop serves has nobody to tell).
    pub fn existing_for_sqlite_file(file: &std::path::Path) -> Option<Self> {
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(Self::file_beside(file))
            .ok()
            .map(|opened| Self::File(Arc::new(opened)))
    }

    fn file_beside(file: &std::path::Path) -> std::ffi::OsString {
        let mut path = file.as_os_str().to_owned();
        path.push("-session-generation");
        path
    }

    /// The current value; `None` when there is none to trust.
    pub async fn current(&self) -> Option<u64> {
        match self {
            Self::Off => None,
            Self::Process => Some(PROCESS_GENERATION.load(Ordering::Acquire)),
            Self::File(file) => {
                use std::os::unix::fs::FileExt;
                let mut bytes = [0u8; 8];
                match file.read_exact_at(&mut bytes, 0) {
                    Ok(()) => Some(u64::from_le_bytes(bytes)),
                    // A new (empty) file: give it its first value.
                    Err(_) => {
                        self.bump().await;
                        None
                    }
                }
            }
            Self::Redis { store, lease } => match lease.as_ref().and_then(|l| l.trusted()) {
                Some(count) => Some(count),
                None => session_lease::read(store).await.ok(),
            },
        }
    }

    /// Gives the generation a new value.
    pub async fn bump(&self) {
        match self {
            Self::Off => {}
            Self::Process => PROCESS_GENERATION.store(fresh(), Ordering::Release),
            Self::File(file) => {
                use std::os::unix::fs::FileExt;
                if let Err(error) = file.write_all_at(&fresh().to_le_bytes(), 0) {
                    tracing::warn!(%error, "the session generation file could not be written");
                }
            }
            Self::Redis { store, lease } => {
                if let Err(error) = session_lease::retire(store, lease.as_deref()).await {
                    tracing::warn!(%error, "the session generation could not be moved in Redis");
                }
            }
        }
    }
}

/// The session rows one instance keeps (see the module docs).
#[derive(Debug)]
pub struct SessionCache {
    generation: Generation,
    entries: Mutex<HashMap<String, Entry>>,
    writes: AtomicU64,
}

impl SessionCache {
    pub fn new(generation: Generation) -> Self {
        Self {
            generation,
            entries: Mutex::default(),
            writes: AtomicU64::new(0),
        }
    }

    /// A cache that keeps nothing (a store built without one).
    pub fn off() -> Self {
        Self::new(Generation::Off)
    }

    /// Counts `sql` when it is a write; the metric callback calls this for
    /// every statement of the shop's connection.
    pub fn note_statement(&self, sql: &str) {
        if is_write(sql) {
            self.writes.fetch_add(1, Ordering::AcqRel);
        }
    }

    /// The writes counted so far (compare two readings).
    pub fn writes(&self) -> u64 {
        self.writes.load(Ordering::Acquire)
    }

    /// Something was written: every entry of every instance stops
    /// answering. Call after the commit.
    pub async fn changed(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
        self.generation.bump().await;
    }

    /// Runs `work` (background work that may write) and moves the
    /// generation after it when it wrote.
    pub async fn tracked<T>(&self, work: impl std::future::Future<Output = T>) -> T {
        let before = self.writes();
        let out = work.await;
        if self.writes() != before {
            self.changed().await;
        }
        out
    }

    /// Gives back this instance's lease, if it holds one (a graceful
    /// stop: no writer waits for it any more).
    pub async fn release(&self) {
        if let Generation::Redis {
            lease: Some(lease), ..
        } = &self.generation
        {
            lease.release().await;
        }
    }

    /// Whether this instance answers kept sessions from its own copy of
    /// the generation now, without asking Redis (for tests).
    pub fn trusts_its_own_generation(&self) -> bool {
        matches!(&self.generation, Generation::Redis { lease: Some(lease), .. } if lease.trusted().is_some())
    }

    /// The generation to check and fill entries with; `None`: do without.
    pub async fn generation(&self) -> Option<u64> {
        self.generation.current().await
    }

    /// The entry for `stored_id`, when it still answers.
    pub fn get(&self, stored_id: &str, generation: u64, now: NaiveDateTime) -> Option<Loaded> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(stored_id)
            .filter(|entry| entry.answers(generation, now))
            .map(|entry| entry.loaded.clone())
    }

    /// Keeps what was read under `generation` (read before the row).
    pub fn put(&self, stored_id: String, loaded: Loaded, generation: u64) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(
                stored_id,
                Entry {
                    loaded,
                    generation,
                    filled: Instant::now(),
                },
            );
        }
    }

    /// Drops the entry of a session this instance saves or ends.
    pub fn forget(&self, stored_id: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(stored_id);
        }
    }

    /// Moves the generation, for as long as the instance runs, whenever
    /// writes were counted that no request or job has claimed (a task a
    /// request spawned, say) — within [`WATCH_EVERY`].
    pub fn spawn_watch(self: Arc<Self>) -> tokio::task::JoinHandle<()> {
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(WATCH_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            let mut seen = self.writes();
            loop {
                tick.tick().await;
                let now = self.writes();
                if now != seen {
                    self.changed().await;
                    seen = now;
                }
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loaded(expires_at: NaiveDateTime) -> Loaded {
        Loaded {
            data: HashMap::from([("cart".to_owned(), serde_json::json!([[1, 2]]))]),
            expires_at,
            first_name: Some("Anneke".into()),
        }
    }

    fn at(seconds: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000 + seconds, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    }

    #[test]
    fn only_reads_are_not_writes() {
        for read in [
            "SELECT * FROM sessions",
            "  select 1",
            "(SELECT a FROM b) UNION (SELECT c FROM d)",
            "SHOW TABLES",
            "EXPLAIN SELECT 1",
        ] {
            assert!(!is_write(read), "{read}");
        }
        for write in [
            "UPDATE `sessions` SET data = ?",
            "delete from \"sessions\"",
            "INSERT INTO customers VALUES (1)",
            "REPLACE INTO x VALUES (1)",
            "WITH gone AS (SELECT 1) DELETE FROM sessions",
            "PRAGMA wal_checkpoint",
            "DROP TABLE sessions",
            "SELECTED",
            "",
        ] {
            assert!(is_write(write), "{write}");
        }
    }

    #[test]
    fn an_entry_answers_only_its_own_session_generation_and_lifetime() {
        let cache = SessionCache::off();
        cache.put("a".into(), loaded(at(100)), 7);
        assert_eq!(cache.get("a", 7, at(0)), Some(loaded(at(100))));
        assert_eq!(cache.get("b", 7, at(0)), None, "another session's id");
        assert_eq!(cache.get("a", 8, at(0)), None, "a moved generation");
        assert_eq!(cache.get("a", 7, at(100)), None, "the session ended");
        cache.forget("a");
        assert_eq!(cache.get("a", 7, at(0)), None, "forgotten");
    }

    #[tokio::test]
    async fn tracked_work_that_wrote_moves_the_generation() {
        let cache = SessionCache::new(Generation::Process);
        let first = cache.generation().await;
        cache
            .tracked(async { cache.note_statement("SELECT 1") })
            .await;
        assert_eq!(cache.generation().await, first, "a read moves nothing");
        cache.put("a".into(), loaded(at(100)), first.unwrap_or_default());
        cache
            .tracked(async { cache.note_statement("UPDATE sessions SET data = ''") })
            .await;
        let second = cache.generation().await;
        assert_ne!(second, first, "a write moves it");
        assert_eq!(
            cache.get("a", first.unwrap_or_default(), at(0)),
            None,
            "and this instance's entries are gone"
        );
    }

    #[tokio::test]
    async fn a_file_generation_is_shared_by_everyone_who_opens_it() {
        let dir = std::env::temp_dir().join(format!("winkel-generation-{}", fresh()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let db = dir.join("shop.db");
        assert!(Generation::existing_for_sqlite_file(&db).is_none());
        let one = Generation::for_sqlite_file(&db);
        let two = Generation::for_sqlite_file(&db);
        assert!(matches!(one, Generation::File(_)));
        assert_eq!(one.current().await, None, "a new file has no value yet");
        let first = one.current().await;
        assert!(first.is_some(), "the first look gave it one");
        assert_eq!(two.current().await, first);
        Generation::existing_for_sqlite_file(&db)
            .expect("the file is there now")
            .bump()
            .await;
        let moved = one.current().await;
        assert!(moved.is_some() && moved != first, "{first:?} -> {moved:?}");
        assert!(matches!(
            Generation::for_sqlite_file(std::path::Path::new(":memory:")),
            Generation::Process
        ));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
