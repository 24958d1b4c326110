//! `winkel seed --dev`: the developer's shop on a fresh clone. The demo
//! catalogue (as `seed --demo`, nothing when a catalogue exists) and a
//! development owner account with a random password that is printed once
//! and must be changed at the first CMS login (the `FirstPassword` screen).
//!
//! A second run creates no second owner and prints no password: as soon as
//! any owner account exists, it only says which one. There is no fixed
//! development password anywhere, so a database seeded this way that ends
//! up reachable is not open to anyone who read the README.

use crate::error::CliError;
use app::ssr::entities::staff;
use app::ssr::services::staff as staff_service;
use app::validate::FieldError;
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder};
use std::path::Path;

/// The development owner's address (`.test` is reserved: RFC 2606, it
/// never reaches anyone).
pub const DEV_OWNER_EMAIL: &str = "eigenaar@winkel.test";

/// What `seed --dev` did about the owner account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DevOwner {
    /// A new owner; `password` exists nowhere but here (the database keeps
    /// its hash) and must be changed at the first login.
    Created {
        id: i32,
        email: String,
        password: String,
    },
    /// An owner existed already (this one, the oldest): nothing was created.
    Exists { email: String },
}

/// `winkel seed --dev`: the demo catalogue and the development owner; prints
/// the owner's password (standard output) only when it created the account.
pub async fn run(db: &DatabaseConnection, uploads_dir: &Path) -> Result<DevOwner, CliError> {
    super::seed::demo(db, uploads_dir).await?;
    let bookings = super::seed_bookings::demo_bookings(db, app::ssr::now_utc()).await?;
    if bookings > 0 {
        eprintln!("seeded {bookings} bookings of made-up guests");
    }
    let owner = dev_owner(db).await?;
    match &owner {
        DevOwner::Created {
            email, password, ..
        } => {
            eprintln!("development owner account created; log in at /cms/login:");
            println!("  email:    {email}");
            println!("  password: {password}");
            eprintln!(
                "This password is shown this once and is stored nowhere (only its hash);\n\
                 the CMS asks for a password of your own at the first login."
            );
        }
        DevOwner::Exists { email } => {
            eprintln!(
                "an owner account exists already ({email}): no new account, no password.\n\
                 Lost its password? Start over with an empty database (e.g. rm -r data/,\n\
                 then winkel seed --dev again) or add one: winkel admin create --email E --password-stdin"
            );
        }
    }
    Ok(owner)
}

/// The development owner: created (must change the password) unless any
/// owner account exists.
pub async fn dev_owner(db: &DatabaseConnection) -> Result<DevOwner, CliError> {
    if let Some(email) = first_owner(db).await? {
        return Ok(DevOwner::Exists { email });
    }
    let password = random_password(DEV_OWNER_EMAIL)?;
    let owner = staff_service::NewStaff {
        email: DEV_OWNER_EMAIL,
        initial_password: &password,
        is_owner: true,
        rights: &[],
        must_change_password: true,
    };
    let created = staff_service::create(db, &owner, app::ssr::now_utc()).await;
    match created {
        Ok(id) => Ok(DevOwner::Created {
            id,
            email: DEV_OWNER_EMAIL.to_owned(),
            password,
        }),
        // A second `seed --dev` running at the same moment made it first.
        Err(e)
            if matches!(
                e.fields().and_then(|f| f.get("email")),
                Some(FieldError::EmailUnavailable)
            ) =>
        {
            match first_owner(db).await? {
                Some(email) => Ok(DevOwner::Exists { email }),
                None => Err(CliError::Job(format!(
                    "a staff account {DEV_OWNER_EMAIL} exists but is no owner; use winkel admin create"
                ))),
            }
        }
        Err(e) => Err(CliError::App(e)),
    }
}

async fn first_owner(db: &DatabaseConnection) -> Result<Option<String>, CliError> {
    Ok(staff::Entity::find()
        .filter(staff::Column::IsOwner.eq(true))
        .order_by_asc(staff::Column::Id)
        .one(db)
        .await?
        .map(|owner| owner.email))
}

/// 20 random characters in four groups (`abcde-fghjk-…`, 100 bits) from an
/// alphabet of 32 without look-alikes (no l, o, 0, 1), that passes the staff
/// password policy (AVG-11).
fn random_password(email: &str) -> Result<String, CliError> {
    const ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";
    for _ in 0..8 {
        let mut bytes = [0u8; 20];
        getrandom::fill(&mut bytes)
            .map_err(|e| CliError::Job(format!("no randomness for a password: {e}")))?;
        let mut password = String::with_capacity(23);
        for (i, b) in bytes.iter().enumerate() {
            if i > 0 && i % 5 == 0 {
                password.push('-');
            }
            password.push(char::from(ALPHABET[usize::from(b & 31)]));
        }
        if staff_service::staff_password_policy(&password, email).is_ok() {
            return Ok(password);
        }
    }
    Err(CliError::Job(
        "no random password passed the staff password policy".into(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn random_passwords_are_long_differ_and_pass_the_policy() {
        let a = random_password(DEV_OWNER_EMAIL).unwrap_or_default();
        let b = random_password(DEV_OWNER_EMAIL).unwrap_or_default();
        assert_eq!(a.len(), 23, "{a}");
        assert_ne!(a, b);
        assert!(staff_service::staff_password_policy(&a, DEV_OWNER_EMAIL).is_ok());
        assert!(a
            .split('-')
            .all(|g| g.len() == 5 && g.bytes().all(|c| c.is_ascii_alphanumeric())));
    }
}
