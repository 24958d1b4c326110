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

use super::entities::session;
use chrono::{DateTime, NaiveDateTime};
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, SqlErr,
};
use time::OffsetDateTime;
use tower_sessions::session::{Id, Record};
use tower_sessions::session_store::{Error, Result};
use tower_sessions::SessionStore;

/// Session keys that link a session to a person; copied into columns.
pub const CUSTOMER_KEY: &str = "customer_id";
pub const STAFF_KEY: &str = "staff_id";

#[derive(Debug, Clone)]
pub struct DbSessionStore {
    db: DatabaseConnection,
}

fn to_naive(at: OffsetDateTime) -> NaiveDateTime {
    DateTime::from_timestamp(at.unix_timestamp(), at.nanosecond())
        .map(|d| d.naive_utc())
        .unwrap_or_default()
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
        Self { db }
    }

    fn row(record: &Record) -> Result<session::ActiveModel> {
        let data = serde_json::to_vec(&record.data).map_err(|e| Error::Encode(e.to_string()))?;
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

#[async_trait::async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> Result<()> {
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
                Err(e) => return Err(backend(e)),
            }
        }
        Err(Error::Backend("could not find a free session id".into()))
    }

    async fn save(&self, record: &Record) -> Result<()> {
        session::Entity::insert(Self::row(record)?)
            .on_conflict(
                OnConflict::column(session::Column::Id)
                    .update_columns([
                        session::Column::Data,
                        session::Column::ExpiresAt,
                        session::Column::CustomerId,
                        session::Column::StaffId,
                    ])
                    .to_owned(),
            )
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, id: &Id) -> Result<Option<Record>> {
        let now = to_naive(OffsetDateTime::now_utc());
        let Some(row) = session::Entity::find_by_id(stored_id(id))
            .filter(session::Column::ExpiresAt.gt(now))
            .one(&self.db)
            .await
            .map_err(backend)?
        else {
            return Ok(None);
        };
        let data = serde_json::from_slice(&row.data).map_err(|e| Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(row.expires_at.and_utc().timestamp())
            .map_err(backend)?;
        Ok(Some(Record {
            id: *id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, id: &Id) -> Result<()> {
        session::Entity::delete_by_id(stored_id(id))
            .exec(&self.db)
            .await
            .map_err(backend)?;
        Ok(())
    }
}
