//! Who is logged in: the customer id in the session. The session id is
//! renewed whenever that changes (login, logout), so a session id seen
//! before login is worthless after it.

use super::entities::customer;
use super::session_store::{CUSTOMER_KEY, CUSTOMER_NAME_KEY};
use crate::error::AppError;
use sea_orm::{ConnectionTrait, EntityTrait};
use tower_sessions::Session;

pub async fn customer_id(session: &Session) -> Result<Option<i32>, AppError> {
    Ok(session.get::<i32>(CUSTOMER_KEY).await?)
}

/// Marks the session as the customer's, under a new session id.
pub async fn log_in(session: &Session, customer_id: i32) -> Result<(), AppError> {
    session.cycle_id().await?;
    // The name read with the session was the previous customer's, if any.
    session.remove_value(CUSTOMER_NAME_KEY).await?;
    session.insert(CUSTOMER_KEY, customer_id).await?;
    Ok(())
}

/// Ends the session: removed from the store, the cookie cleared.
pub async fn log_out(session: &Session) -> Result<(), AppError> {
    session.flush().await?;
    Ok(())
}

/// The logged-in customer, or `Unauthorized`. A session whose customer no
/// longer exists (deleted) is ended.
pub async fn require_customer(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<customer::Model, AppError> {
    let id = customer_id(session).await?.ok_or(AppError::Unauthorized)?;
    match customer::Entity::find_by_id(id).one(db).await? {
        Some(c) if c.password_hash.is_some() => Ok(c),
        _ => {
            log_out(session).await?;
            Err(AppError::Unauthorized)
        }
    }
}

/// The logged-in customer, if any (a stale session is ended quietly).
pub async fn current_customer(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<Option<customer::Model>, AppError> {
    match customer_id(session).await? {
        None => Ok(None),
        Some(_) => match require_customer(db, session).await {
            Ok(c) => Ok(Some(c)),
            Err(AppError::Unauthorized) => Ok(None),
            Err(e) => Err(e),
        },
    }
}

/// The logged-in customer's first name, for the header: as the session's
/// own load read it (`session_store`), else from the customer's row (just
/// logged in, or the account is gone: then the session ends as in
/// [`current_customer`]).
pub async fn customer_first_name(
    db: &impl ConnectionTrait,
    session: &Session,
) -> Result<Option<String>, AppError> {
    if customer_id(session).await?.is_none() {
        return Ok(None);
    }
    if let Some(name) = session.get::<String>(CUSTOMER_NAME_KEY).await? {
        return Ok(Some(name));
    }
    Ok(current_customer(db, session).await?.map(|c| c.first_name))
}
