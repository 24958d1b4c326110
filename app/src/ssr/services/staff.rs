//! Staff accounts (AVG-10, AVG-11): creation, login, rights, locking.

use super::audit;
use crate::account::rules::{password_shape, STAFF_MIN_PASSWORD};
use crate::cms::models::StaffView;
use crate::cms::rules::{parse_rights, AuditAction, Right, StaffMember};
use crate::error::AppError;
use crate::ssr::entities::{staff, staff_right};
use crate::ssr::login_throttle::LoginThrottle;
use crate::ssr::metrics::SecurityEvent;
use crate::ssr::password::{self, Verified};
use crate::ssr::staff_auth;
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError};
use chrono::NaiveDateTime;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    EntityTrait, QueryFilter, QueryOrder,
};

/// The staff password policy (AVG-11): at least 12 characters, not a
/// common password, not containing the email's local part.
pub fn staff_password_policy(password: &str, email: &str) -> Result<String, FieldError> {
    password_shape(password, email, STAFF_MIN_PASSWORD)?;
    if password::is_common(password) {
        return Err(FieldError::PasswordCommon);
    }
    Ok(password.to_owned())
}

/// A staff member to create.
pub struct NewStaff<'a> {
    pub email: &'a str,
    pub initial_password: &'a str,
    pub is_owner: bool,
    pub rights: &'a [Right],
    /// A member created by the owner must choose their own password at
    /// first login; the owner created on the command line not.
    pub must_change_password: bool,
}

/// Creates a staff member.
pub async fn create(
    db: &DatabaseConnection,
    new: &NewStaff<'_>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    insert(db, new, None, now).await
}

/// The rights ticked (unknown names are ignored), refused unless `actor`
/// may grant every one of them (`StaffMember::may_grant`).
fn grantable(actor: &StaffMember, rights: &[String]) -> Result<Vec<Right>, AppError> {
    let rights = parse_rights(rights.iter().map(String::as_str));
    if actor.may_grant(&rights) {
        Ok(rights)
    } else {
        Err(AppError::field("rights", FieldError::RightNotYours))
    }
}

/// A member added in the CMS by `actor`: with the rights ticked (only
/// rights `actor` holds), a first password to change at first login, and
/// the audit entry in the same transaction.
pub async fn add_member(
    db: &DatabaseConnection,
    actor: &StaffMember,
    email: &str,
    initial_password: &str,
    rights: &[String],
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let rights = grantable(actor, rights)?;
    let new = NewStaff {
        email,
        initial_password,
        is_owner: false,
        rights: &rights,
        must_change_password: true,
    };
    insert(db, &new, Some(actor.id), now).await
}

async fn insert(
    db: &DatabaseConnection,
    new: &NewStaff<'_>,
    audit_by: Option<i32>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let email = v::email(new.email).map_err(|e| AppError::field("email", e))?;
    let password = staff_password_policy(new.initial_password, &email)
        .map_err(|e| AppError::field("password", e))?;
    let hash = password::hash_async(password).await?;
    let txn = super::begin_write(db).await?;
    if staff::Entity::find()
        .filter(staff::Column::Email.eq(&email))
        .one(&txn)
        .await?
        .is_some()
    {
        txn.rollback().await?;
        return Err(AppError::field("email", FieldError::EmailUnavailable));
    }
    let id = staff::Entity::insert(staff::ActiveModel {
        email: Set(email),
        password_hash: Set(hash),
        is_owner: Set(new.is_owner),
        must_change_password: Set(new.must_change_password),
        locked_at: Set(None),
        created_at: Set(now),
        last_login_at: Set(None),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    write_rights(&txn, id, new.rights).await?;
    if let Some(actor) = audit_by {
        let names: Vec<&str> = new.rights.iter().map(|r| r.as_str()).collect();
        audit::record(
            &txn,
            actor,
            AuditAction::StaffCreate,
            Some(id),
            Some(names.join(",")),
        )
        .await?;
    }
    txn.commit().await?;
    Ok(id)
}

async fn write_rights(
    db: &impl ConnectionTrait,
    staff_id: i32,
    rights: &[Right],
) -> Result<(), AppError> {
    staff_right::Entity::delete_many()
        .filter(staff_right::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    if !rights.is_empty() {
        let rows = rights.iter().map(|r| staff_right::ActiveModel {
            staff_id: Set(staff_id),
            right_name: Set(r.as_str().to_owned()),
        });
        staff_right::Entity::insert_many(rows).exec(db).await?;
    }
    Ok(())
}

/// Checks a staff login. Unknown, wrong and locked answer alike; a
/// failure is counted for monitoring (AVG-18). For a member with a second
/// factor this is only the first step: the login is complete (and the
/// throttle's count forgiven) once the code is right
/// (`second_factor::finish_login`).
pub async fn log_in(
    state: &AppState,
    email: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<staff::Model, AppError> {
    let checked = check_login(&state.db, &state.login_throttle, email, password, now).await;
    super::count_refused_login(state, SecurityEvent::FailedLoginStaff, checked)
}

async fn check_login(
    db: &impl ConnectionTrait,
    throttle: &LoginThrottle,
    email: &str,
    password: &str,
    now: NaiveDateTime,
) -> Result<staff::Model, AppError> {
    // A separate key space from customers' failures.
    let key = format!("staff:{}", email.trim());
    let delay = throttle.begin(&key).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let row = match v::email(email) {
        Ok(email) => {
            staff::Entity::find()
                .filter(staff::Column::Email.eq(email))
                .one(db)
                .await?
        }
        Err(_) => None,
    };
    let verified = password::verify_async(
        password.to_owned(),
        String::new(),
        row.as_ref().map(|r| r.password_hash.clone()),
    )
    .await?;
    match (row, verified) {
        (Some(row), Verified::Yes { .. }) if row.locked_at.is_none() => {
            if row.totp_enabled_at.is_some() {
                // Forgiving the failures here would give whoever has the
                // password five fresh code guesses per login.
                return Ok(row);
            }
            throttle.record_success(&key).await;
            let mut update: staff::ActiveModel = row.into();
            update.last_login_at = Set(Some(now));
            Ok(update.update(db).await?)
        }
        // The attempt was counted when it began.
        _ => Err(AppError::InvalidCredentials),
    }
}

pub async fn change_password(
    db: &impl ConnectionTrait,
    staff_id: i32,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let row = staff::Entity::find_by_id(staff_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)?;
    let verified = password::verify_async(
        current.to_owned(),
        String::new(),
        Some(row.password_hash.clone()),
    )
    .await?;
    if verified == Verified::No {
        return Err(AppError::field(
            "current_password",
            FieldError::WrongPassword,
        ));
    }
    let new =
        staff_password_policy(new, &row.email).map_err(|e| AppError::field("new_password", e))?;
    if new == current {
        return Err(AppError::field(
            "new_password",
            FieldError::PasswordMismatch,
        ));
    }
    let hash = password::hash_async(new).await?;
    let mut update: staff::ActiveModel = row.into();
    update.password_hash = Set(hash);
    update.must_change_password = Set(false);
    update.update(db).await?;
    Ok(())
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<StaffView>, AppError> {
    let rows = staff::Entity::find()
        .order_by_asc(staff::Column::Email)
        .all(db)
        .await?;
    let all_rights = staff_right::Entity::find().all(db).await?;
    Ok(rows
        .into_iter()
        .map(|r| StaffView {
            rights: parse_rights(
                all_rights
                    .iter()
                    .filter(|x| x.staff_id == r.id)
                    .map(|x| x.right_name.as_str()),
            ),
            id: r.id,
            email: r.email,
            is_owner: r.is_owner,
            locked: r.locked_at.is_some(),
            last_login_at: r.last_login_at,
            second_factor: r.totp_enabled_at.is_some(),
        })
        .collect())
}

/// The member `actor` wants to change (rights, lock). Nobody changes the
/// owner or themselves, and a manager who is not the owner only changes
/// members whose rights they all hold too: taking rights from, or locking
/// out, someone with more power than oneself is the owner's decision.
pub(super) async fn other_member(
    db: &impl ConnectionTrait,
    actor: &StaffMember,
    id: i32,
) -> Result<staff::Model, AppError> {
    let row = staff::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.is_owner || row.id == actor.id {
        return Err(AppError::Forbidden);
    }
    let held = staff_right::Entity::find()
        .filter(staff_right::Column::StaffId.eq(id))
        .all(db)
        .await?;
    if !actor.may_grant(&parse_rights(held.iter().map(|r| r.right_name.as_str()))) {
        return Err(AppError::Forbidden);
    }
    Ok(row)
}

/// Replaces a member's rights with the ones ticked (unknown names are
/// ignored; only rights `actor` holds); audited.
pub async fn set_rights(
    db: &DatabaseConnection,
    actor: &StaffMember,
    id: i32,
    rights: &[String],
) -> Result<(), AppError> {
    let rights = &grantable(actor, rights)?[..];
    let txn = super::begin_write(db).await?;
    if let Err(error) = other_member(&txn, actor, id).await {
        txn.rollback().await?;
        return Err(error);
    }
    write_rights(&txn, id, rights).await?;
    let names: Vec<&str> = rights.iter().map(|r| r.as_str()).collect();
    audit::record(
        &txn,
        actor.id,
        AuditAction::StaffRights,
        Some(id),
        Some(names.join(",")),
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// What to do with a member's lock.
pub enum LockChange<'a> {
    /// Lock out: every session ends at once.
    Lock,
    /// Unlock with a new first password (a lock means "suspected leak",
    /// so the old password must not open the account again); the member
    /// chooses their own at the next login.
    Unlock { new_password: &'a str },
}

/// Locks (ending every session at once) or unlocks a member.
pub async fn set_locked(
    db: &DatabaseConnection,
    actor: &StaffMember,
    id: i32,
    change: LockChange<'_>,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    // Checked and hashed before the transaction (a hash takes a tenth of a
    // second; nothing should wait behind it).
    let new_hash = match change {
        LockChange::Lock => None,
        LockChange::Unlock { new_password } => {
            let email = staff::Entity::find_by_id(id)
                .one(db)
                .await?
                .ok_or(AppError::NotFound)?
                .email;
            let password = staff_password_policy(new_password, &email)
                .map_err(|e| AppError::field("password", e))?;
            Some(password::hash_async(password).await?)
        }
    };
    let locked = new_hash.is_none();
    let txn = super::begin_write(db).await?;
    let row = match other_member(&txn, actor, id).await {
        Ok(row) => row,
        Err(error) => {
            txn.rollback().await?;
            return Err(error);
        }
    };
    let mut update: staff::ActiveModel = row.into();
    update.locked_at = Set(locked.then_some(now));
    if let Some(hash) = new_hash {
        update.password_hash = Set(hash);
        update.must_change_password = Set(true);
    }
    update.update(&txn).await?;
    // Locking ends every session; so does unlocking (none should exist,
    // but a session must never outlive the password it was opened with).
    staff_auth::end_all(&txn, id).await?;
    audit::record(
        &txn,
        actor.id,
        if locked {
            AuditAction::StaffLock
        } else {
            AuditAction::StaffUnlock
        },
        Some(id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The owner makes a member choose a new password: their sessions end and
/// at the next login (with the current password) nothing but the password
/// form opens until they chose one.
pub async fn force_password_change(
    db: &DatabaseConnection,
    actor: &StaffMember,
    id: i32,
) -> Result<(), AppError> {
    if !actor.is_owner {
        return Err(AppError::Forbidden);
    }
    let txn = super::begin_write(db).await?;
    let row = match other_member(&txn, actor, id).await {
        Ok(row) => row,
        Err(error) => {
            txn.rollback().await?;
            return Err(error);
        }
    };
    let mut update: staff::ActiveModel = row.into();
    update.must_change_password = Set(true);
    update.update(&txn).await?;
    staff_auth::end_all(&txn, id).await?;
    audit::record(
        &txn,
        actor.id,
        AuditAction::StaffForcePassword,
        Some(id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

/// The addresses of the owners who can be reached (not locked), oldest
/// account first: who gets the shop's own warnings and alerts.
pub async fn owner_emails(db: &impl ConnectionTrait) -> Result<Vec<String>, AppError> {
    Ok(staff::Entity::find()
        .filter(staff::Column::IsOwner.eq(true))
        .filter(staff::Column::LockedAt.is_null())
        .order_by_asc(staff::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|s| s.email)
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_passwords_are_stricter() {
        assert_eq!(
            staff_password_policy("elf tekens!", "a@b.nl"),
            Err(FieldError::PasswordTooShort { min: 12 })
        );
        assert_eq!(
            staff_password_policy("1qaz2wsx3edc", "a@b.nl"),
            Err(FieldError::PasswordCommon)
        );
        assert_eq!(
            staff_password_policy("beheerder-marieke", "marieke@b.nl"),
            Err(FieldError::PasswordContainsEmail)
        );
        assert!(staff_password_policy("de winkel gaat om negen uur open", "marieke@b.nl").is_ok());
    }
}
