//! A tower-sessions store in the shop's own database, over SeaORM.
//!
//! Why our own: SeaORM 2 is built on sqlx 0.9, while tower-sessions-sqlx-store
//! is on sqlx 0.8 and tower-sessions-core 0.14; using it would mean a second
//! pool, a second libsqlite3 and an older session API. This store is small,
//! works on SQLite and MariaDB alike, and copies the customer / staff id out
//! of the record so that all sessions of one person can be ended at once.
//!
//! A record holds only what the code puts in it (cart lines, a customer or
//! staff id); never an IP address or a user agent. Its id is stored as a
//! SHA-256 of the cookie's value (as the CMS tokens are): whoever reads the
//! table, or a backup of it, finds no session they could use.
//!
//! # Reads write nothing
//!
//! tower-sessions saves a session only when a request changed it. A session
//! ends after [`IDLE`] without a visit, so a visit must still push its end
//! back; doing that on every request would turn every page view into a
//! write (an fsync on SQLite, a round trip and a row lock on MariaDB). So
//! the end is pushed back only when more than a tenth of the window has
//! passed since it was last set ([`renewal_due`]): `load` notes such a
//! session in [`Renewals`], and `renew_sessions` (a middleware inside the
//! session layer) marks it modified after the request, which saves it with a
//! fresh expiry and sends the cookie again. A session therefore ends between
//! 0.9 × and 1 × [`IDLE`] after the last visit, and a visitor writes at
//! most once per tenth of the window.
//!
//! A record read is kept in the instance's [`SessionCache`] and answers
//! later requests only while the shop's session generation has not moved
//! since it was read: any write through any instance moves it before its
//! answer leaves, so a session ended by deleting its row (logout, a new
//! password, a locked member, an erased account, on any instance) is over
//! at the very next request (`session_cache` says where the generation
//! lives; without a place every instance sees, every request reads its
//! row). A save only ever updates a row that still exists (`save` is an
//! UPDATE, not an upsert), so a request that was running while the session
//! was ended cannot bring it back.
//!
//! The same statement joins the logged-in customer's first name
//! ([`CUSTOMER_NAME_KEY`], for the header of every page), so that a
//! customer's page costs one statement like anyone else's. The join
//! requires an account that can log in (a password): an erased or
//! anonymised customer is named nowhere, and their session ends at its
//! next page (`auth::customer_first_name`). The name is never written
//! back, so it lives only in the customer's row (AVG-4).

use super::entities::session;
use super::session_cache::{Loaded, SessionCache};
use chrono::{DateTime, NaiveDateTime};
use sea_orm::{
    ActiveValue::NotSet, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, SqlErr,
};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// Session keys that link a session to a person; copied into columns.
pub const CUSTOMER_KEY: &str = "customer_id";
pub const STAFF_KEY: &str = "staff_id";

/// The logged-in customer's first name, read by `load` in the same
/// statement as the session row (for the header on every page). Never
/// stored: `row` leaves it out, so it is always as fresh as the row.
pub const CUSTOMER_NAME_KEY: &str = "_customer_first_name";

/// A shop session ends after this long without a visit (the cookie's
/// `Max-Age` too).
pub const IDLE: time::Duration = time::Duration::days(30);

/// Whether a session whose stored end is `expires_at` should have it pushed
/// back at `now`: when more than a tenth of `window` has passed since it
/// was set to `now + window`.
pub fn renewal_due(
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
    window: chrono::Duration,
) -> bool {
    expires_at - now < window - window / 10
}

/// Sessions a request found due for renewal (see the module docs), from
/// the store's `load` to the `renew_sessions` middleware of the same
/// request. Keyed by the session id; an entry lives for one request only.
#[derive(Debug, Default)]
pub struct Renewals {
    due: Mutex<HashMap<Id, Instant>>,
}

/// Entries older than this are left over from requests that never reached
/// the middleware (a panic, a dropped connection) and are forgotten.
const STALE_AFTER: std::time::Duration = std::time::Duration::from_secs(60);

impl Renewals {
    fn note(&self, id: Id) {
        if let Ok(mut due) = self.due.lock() {
            if due.len() >= 1024 {
                due.retain(|_, at| at.elapsed() < STALE_AFTER);
            }
            due.insert(id, Instant::now());
        }
    }

    /// Whether the session `id` is due; forgets it either way.
    pub fn take(&self, id: &Id) -> bool {
        self.due
            .lock()
            .is_ok_and(|mut due| due.remove(id).is_some())
    }
}

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
    renewals: Arc<Renewals>,
    /// The shop's gate (`db_gate`): while closed, no session is loaded or
    /// saved; a load that finds the database away closes it. Without it a
    /// page whose parts each ask for the session would wait the pool's
    /// timeout once per part (tower-sessions loads again after a failure).
    gate: Arc<super::db_gate::DbGate>,
    /// The rows read before (see the module docs).
    cache: Arc<SessionCache>,
}

fn to_naive(at: OffsetDateTime) -> NaiveDateTime {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .map(|d| d.naive_utc())
        .unwrap_or_default()
}

fn idle_window() -> chrono::Duration {
    chrono::Duration::seconds(IDLE.whole_seconds())
}

/// The stored form of a session id.
pub fn stored_id(id: &Id) -> String {
    super::sha256_hex(&id.to_string())
}

fn backend(e: impl std::fmt::Display) -> Error {
    Error::Backend(e.to_string())
}

impl DbSessionStore {
    pub fn new(db: DatabaseConnection) -> Self {
        Self {
            db,
            renewals: Arc::default(),
            gate: Arc::default(),
            cache: Arc::new(SessionCache::off()),
        }
    }

    /// The store keeping rows in `cache` (`AppState::session_cache`).
    pub fn with_cache(mut self, cache: Arc<SessionCache>) -> Self {
        self.cache = cache;
        self
    }

    /// The store behind the shop's gate (`AppState::db_gate`).
    pub fn with_gate(mut self, gate: Arc<super::db_gate::DbGate>) -> Self {
        self.gate = gate;
        self
    }

    /// A database error, marked with its kind, so that the page answers
    /// 503 "try again" when the database is away rather than 500
    /// (`AppError`'s conversion); an away database closes the gate.
    fn db_backend(&self, e: sea_orm::DbErr) -> Error {
        if super::db_fault::classify(&e) == super::db_fault::DbFault::Away {
            self.gate.note_away(&self.db);
        }
        Error::Backend(super::db_fault::session_message(&e))
    }

    fn through_gate(&self) -> Result<()> {
        if self.gate.is_open() {
            Ok(())
        } else {
            Err(Error::Backend(super::db_fault::session_gate_closed()))
        }
    }

    /// The sessions found due for renewal, for `renew_sessions`.
    pub fn renewals(&self) -> Arc<Renewals> {
        self.renewals.clone()
    }

    fn row(record: &Record) -> Result<session::ActiveModel> {
        // The name `load` joined in belongs to the customer's row.
        let stored: HashMap<&String, &serde_json::Value> = record
            .data
            .iter()
            .filter(|(key, _)| key.as_str() != CUSTOMER_NAME_KEY)
            .collect();
        let data = serde_json::to_vec(&stored).map_err(|e| Error::Encode(e.to_string()))?;
        let id_of = |key: &str| {
            record
                .data
                .get(key)
                .and_then(serde_json::Value::as_i64)
                .and_then(|v| i32::try_from(v).ok())
        };
        Ok(session::ActiveModel {
            id: Set(stored_id(&record.id)),
            data: Set(data),
            expires_at: Set(to_naive(record.expiry_date)),
            customer_id: Set(id_of(CUSTOMER_KEY)),
            staff_id: Set(id_of(STAFF_KEY)),
        })
    }

    /// The live row `stored` with its customer's first name, in one
    /// statement ([`load_statement`]).
    async fn read_row(&self, stored: &str, now: NaiveDateTime) -> Result<Option<Loaded>> {
        let statement = load_statement(stored, now, self.db.get_database_backend());
        let Some(row) = self
            .db
            .query_one_raw(statement)
            .await
            .map_err(|e| self.db_backend(e))?
        else {
            return Ok(None);
        };
        let column = |e: sea_orm::DbErr| Error::Decode(e.to_string());
        let data: Vec<u8> = row.try_get("", "data").map_err(column)?;
        let expires_at: NaiveDateTime = row.try_get("", "expires_at").map_err(column)?;
        let first_name: Option<String> = row.try_get("", "first_name").map_err(column)?;
        let data: HashMap<String, serde_json::Value> =
            serde_json::from_slice(&data).map_err(|e| Error::Decode(e.to_string()))?;
        Ok(Some(Loaded {
            data,
            expires_at,
            first_name,
        }))
    }

    /// Removes expired sessions; run periodically by the server.
    pub async fn delete_expired(&self) -> std::result::Result<u64, sea_orm::DbErr> {
        let now = to_naive(OffsetDateTime::now_utc());
        let res = session::Entity::delete_many()
            .filter(session::Column::ExpiresAt.lt(now))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Ends every session of one customer (account deletion).
    pub async fn delete_for_customer(
        &self,
        customer_id: i32,
    ) -> std::result::Result<u64, sea_orm::DbErr> {
        let res = session::Entity::delete_many()
            .filter(session::Column::CustomerId.eq(customer_id))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }

    /// Ends every session of one staff member (lock, AVG-11).
    pub async fn delete_for_staff(
        &self,
        staff_id: i32,
    ) -> std::result::Result<u64, sea_orm::DbErr> {
        let res = session::Entity::delete_many()
            .filter(session::Column::StaffId.eq(staff_id))
            .exec(&self.db)
            .await?;
        Ok(res.rows_affected)
    }
}

/// The live session row `stored_id` (ending after `now`) with the first
/// name of its customer, joined only while that customer has an account
/// (a password): a logged-in customer's page needs no second statement for
/// the name in its header, and an ended or erased account shows no name.
fn load_statement(
    stored_id: &str,
    now: NaiveDateTime,
    backend: sea_orm::DbBackend,
) -> sea_orm::Statement {
    use super::entities::customer;
    use sea_orm::sea_query::{Expr, ExprTrait, JoinType, Query};
    use sea_orm::StatementBuilder;
    let select = Query::select()
        .column((session::Entity, session::Column::Data))
        .column((session::Entity, session::Column::ExpiresAt))
        .column((customer::Entity, customer::Column::FirstName))
        .from(session::Entity)
        .join(
            JoinType::LeftJoin,
            customer::Entity,
            Expr::col((customer::Entity, customer::Column::Id))
                .equals((session::Entity, session::Column::CustomerId))
                .and(Expr::col((customer::Entity, customer::Column::PasswordHash)).is_not_null()),
        )
        .and_where(Expr::col((session::Entity, session::Column::Id)).eq(stored_id))
        .and_where(Expr::col((session::Entity, session::Column::ExpiresAt)).gt(now))
        .to_owned();
    StatementBuilder::build(&select, &backend)
}

/// Takes the value under `key` out of the stored session `id`, inside the
/// caller's transaction, and returns it; `None` when the session or the
/// value is not (or no longer) there. A compare-and-set on the whole
/// record: of two takers at once only one gets the value, and a write
/// made with it (an order from the cart) commits together with its
/// removal, so a crash can never leave both the order and the cart.
pub async fn take_value_in(
    txn: &impl sea_orm::ConnectionTrait,
    id: &Id,
    key: &str,
) -> std::result::Result<Option<serde_json::Value>, sea_orm::DbErr> {
    let stored = stored_id(id);
    let Some(row) = session::Entity::find_by_id(stored.clone()).one(txn).await? else {
        return Ok(None);
    };
    let Ok(mut data) = serde_json::from_slice::<HashMap<String, serde_json::Value>>(&row.data)
    else {
        return Ok(None);
    };
    let Some(value) = data.remove(key) else {
        return Ok(None);
    };
    let rest = serde_json::to_vec(&data).map_err(|e| sea_orm::DbErr::Json(e.to_string()))?;
    let taken = session::Entity::update_many()
        .col_expr(session::Column::Data, sea_orm::sea_query::Expr::value(rest))
        .filter(session::Column::Id.eq(stored))
        .filter(session::Column::Data.eq(row.data))
        .exec(txn)
        .await?;
    Ok((taken.rows_affected == 1).then_some(value))
}

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
        self.through_gate()?;
        // A 128-bit id collides practically never; if it does, draw again.
        for _ in 0..8 {
            match session::Entity::insert(Self::row(record)?)
                .exec(&self.db)
                .await
            {
                Ok(_) => return Ok(()),
                Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
                    record.id = Id::default();
                }
                Err(e) => return Err(self.db_backend(e)),
            }
        }
        Err(Error::Backend("could not find a free session id".into()))
    }

    /// Updates the row, never inserts it: tower-sessions saves under an
    /// existing id only after loading that id's row, so a missing row was
    /// deleted meanwhile (logout, a new password, a lock, an erasure) and
    /// must stay deleted. The session then ends at its next request.
    async fn save(&self, record: &Record) -> Result<()> {
        self.through_gate()?;
        let mut row = Self::row(record)?;
        row.id = NotSet;
        let id = stored_id(&record.id);
        self.cache.forget(&id);
        session::Entity::update_many()
            .set(row)
            .filter(session::Column::Id.eq(id))
            .exec(&self.db)
            .await
            .map_err(|e| self.db_backend(e))?;
        Ok(())
    }

    /// From the cache while it answers; else one statement: the row, and
    /// the first name of its customer when one is logged in and still has
    /// an account (see [`load_statement`]).
    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        self.through_gate()?;
        let now = to_naive(OffsetDateTime::now_utc());
        let stored = stored_id(id);
        // Read before the row: a write committed after this moves it.
        let generation = self.cache.generation().await;
        let kept = generation.and_then(|generation| self.cache.get(&stored, generation, now));
        let loaded = match kept {
            Some(loaded) => loaded,
            None => {
                let Some(loaded) = self.read_row(&stored, now).await? else {
                    return Ok(None);
                };
                if let Some(generation) = generation {
                    self.cache.put(stored, loaded.clone(), generation);
                }
                loaded
            }
        };
        if renewal_due(loaded.expires_at, now, idle_window()) {
            self.renewals.note(*id);
        }
        let Loaded {
            mut data,
            expires_at,
            first_name,
        } = loaded;
        if let Some(first_name) = first_name {
            data.insert(CUSTOMER_NAME_KEY.into(), first_name.into());
        }
        let expiry_date = OffsetDateTime::from_unix_timestamp(expires_at.and_utc().timestamp())
            .map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        let stored = stored_id(id);
        self.cache.forget(&stored);
        session::Entity::delete_by_id(stored)
            .exec(&self.db)
            .await
            .map_err(|e| self.db_backend(e))?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renewal_is_due_once_a_tenth_of_the_window_has_passed() {
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default();
        let window = chrono::Duration::days(30);
        let set_ago = |passed: chrono::Duration| now + window - passed;
        assert!(!renewal_due(set_ago(chrono::Duration::zero()), now, window));
        assert!(!renewal_due(
            set_ago(chrono::Duration::days(3)),
            now,
            window
        ));
        assert!(renewal_due(
            set_ago(chrono::Duration::days(3) + chrono::Duration::seconds(1)),
            now,
            window
        ));
        assert!(renewal_due(
            set_ago(chrono::Duration::days(29)),
            now,
            window
        ));
        let idle = chrono::Duration::minutes(30);
        assert!(!renewal_due(
            now + idle - chrono::Duration::minutes(2),
            now,
            idle
        ));
        assert!(renewal_due(
            now + idle - chrono::Duration::minutes(4),
            now,
            idle
        ));
    }

    #[test]
    fn a_noted_session_is_taken_once() {
        let renewals = Renewals::default();
        let id = Id::default();
        assert!(!renewals.take(&id));
        renewals.note(id);
        assert!(renewals.take(&id));
        assert!(!renewals.take(&id), "one renewal per note");
    }
}
