//! The CMS second factor (issue 17): a member sets up TOTP for their own
//! account, confirms it with a code before it counts (a mistyped setup
//! locks nobody out), gets ten single-use recovery codes shown once (only
//! their SHA-256 is kept), and switches it off with password and code. The
//! owner resets it for a member who lost their phone. The rules are in
//! `ssr::totp`; every change is audited in its own transaction.

use super::audit;
use crate::cms::models::{SecondFactorSetup, SecondFactorView};
use crate::cms::rules::{AuditAction, StaffMember};
use crate::error::AppError;
use crate::ssr::entities::{staff, staff_recovery_code};
use crate::ssr::metrics::SecurityEvent;
use crate::ssr::password::{self, Verified};
use crate::ssr::{sha256_hex, staff_auth, totp, AppState};
use crate::validate::FieldError;
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};

/// The TOTP step of a moment.
pub fn step_of(now: NaiveDateTime) -> i64 {
    totp::step_at(now.and_utc().timestamp())
}

fn wrong_code() -> AppError {
    AppError::field("code", FieldError::SecondFactorCode)
}

async fn row(db: &impl ConnectionTrait, staff_id: i32) -> Result<staff::Model, AppError> {
    staff::Entity::find_by_id(staff_id)
        .one(db)
        .await?
        .ok_or(AppError::Unauthorized)
}

fn secret_of(row: &staff::Model) -> Option<Vec<u8>> {
    row.totp_secret.as_deref().and_then(totp::from_base32)
}

/// The member's own second factor, with the secret while it is being set
/// up (never once it is on).
pub async fn status(
    db: &impl ConnectionTrait,
    member: &StaffMember,
    shop_name: &str,
) -> Result<SecondFactorView, AppError> {
    let row = row(db, member.id).await?;
    let enabled = row.totp_enabled_at.is_some();
    let setup = match (&row.totp_secret, enabled) {
        (Some(secret), false) => Some(SecondFactorSetup {
            secret: totp::grouped(secret),
            uri: totp::otpauth_uri(shop_name, &row.email, secret),
        }),
        _ => None,
    };
    let recovery_codes_left = staff_recovery_code::Entity::find()
        .filter(staff_recovery_code::Column::StaffId.eq(member.id))
        .count(db)
        .await?;
    Ok(SecondFactorView {
        enabled,
        required: member.needs_second_factor,
        recovery_codes_left,
        setup,
        new_recovery_codes: Vec::new(),
    })
}

/// Starts (or starts again) setting up: a fresh random 160-bit secret,
/// not in use until confirmed. Refused while a second factor is on.
pub async fn begin(db: &DatabaseConnection, staff_id: i32) -> Result<(), AppError> {
    let secret = totp::base32(&totp::random::<{ totp::SECRET_BYTES }>()?);
    let res = staff::Entity::update_many()
        .col_expr(staff::Column::TotpSecret, Expr::value(secret))
        .col_expr(staff::Column::TotpLastStep, Expr::value(None::<i64>))
        .filter(staff::Column::Id.eq(staff_id))
        .filter(staff::Column::TotpEnabledAt.is_null())
        .exec(db)
        .await?;
    if res.rows_affected == 0 {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Switches the second factor on with a current code from the app; returns
/// the recovery codes, shown this once.
pub async fn confirm(
    db: &DatabaseConnection,
    staff_id: i32,
    code: &str,
    now: NaiveDateTime,
) -> Result<Vec<String>, AppError> {
    let current = row(db, staff_id).await?;
    if current.totp_enabled_at.is_some() {
        return Err(AppError::Forbidden);
    }
    let secret = secret_of(&current).ok_or(AppError::NotFound)?;
    let step = totp::matching_step(&secret, code, step_of(now), None).ok_or_else(wrong_code)?;
    let codes = totp::new_recovery_codes()?;
    let txn = super::begin_write(db).await?;
    // Conditional: two confirmations at once switch it on once.
    let res = staff::Entity::update_many()
        .col_expr(staff::Column::TotpEnabledAt, Expr::value(now))
        .col_expr(staff::Column::TotpLastStep, Expr::value(step))
        .filter(staff::Column::Id.eq(staff_id))
        .filter(staff::Column::TotpEnabledAt.is_null())
        .filter(staff::Column::TotpSecret.eq(current.totp_secret.clone()))
        .exec(&txn)
        .await?;
    if res.rows_affected == 0 {
        txn.rollback().await?;
        return Err(AppError::Forbidden);
    }
    replace_recovery_codes(&txn, staff_id, &codes).await?;
    audit::record(
        &txn,
        staff_id,
        AuditAction::StaffSecondFactorOn,
        Some(staff_id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(codes)
}

async fn replace_recovery_codes(
    db: &impl ConnectionTrait,
    staff_id: i32,
    codes: &[String],
) -> Result<(), AppError> {
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    let rows: Vec<staff_recovery_code::ActiveModel> = codes
        .iter()
        .filter_map(|code| totp::normalized_recovery_code(code))
        .map(|code| staff_recovery_code::ActiveModel {
            staff_id: Set(staff_id),
            code_hash: Set(sha256_hex(&code)),
        })
        .collect();
    if !rows.is_empty() {
        staff_recovery_code::Entity::insert_many(rows)
            .exec(db)
            .await?;
    }
    Ok(())
}

/// What a code turned out to be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeUsed {
    Totp,
    Recovery,
}

/// Checks a code of a member whose second factor is on: the app's current
/// code (not one used before: the step is claimed with a conditional
/// update, so two requests with one code do not both pass) or an unused
/// recovery code (deleted as it is used, audited).
pub async fn use_code(
    db: &DatabaseConnection,
    row: &staff::Model,
    code: &str,
    now: NaiveDateTime,
) -> Result<CodeUsed, AppError> {
    let (Some(_), Some(secret)) = (row.totp_enabled_at, secret_of(row)) else {
        return Err(wrong_code());
    };
    if let Some(step) = totp::matching_step(&secret, code, step_of(now), row.totp_last_step) {
        let res = staff::Entity::update_many()
            .col_expr(staff::Column::TotpLastStep, Expr::value(step))
            .filter(staff::Column::Id.eq(row.id))
            .filter(
                Condition::any()
                    .add(staff::Column::TotpLastStep.is_null())
                    .add(staff::Column::TotpLastStep.lt(step)),
            )
            .exec(db)
            .await?;
        return if res.rows_affected == 1 {
            Ok(CodeUsed::Totp)
        } else {
            Err(wrong_code())
        };
    }
    let Some(recovery) = totp::normalized_recovery_code(code) else {
        return Err(wrong_code());
    };
    let txn = super::begin_write(db).await?;
    let res = staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::StaffId.eq(row.id))
        .filter(staff_recovery_code::Column::CodeHash.eq(sha256_hex(&recovery)))
        .exec(&txn)
        .await?;
    if res.rows_affected != 1 {
        txn.rollback().await?;
        return Err(wrong_code());
    }
    audit::record(
        &txn,
        row.id,
        AuditAction::StaffRecoveryCodeUsed,
        Some(row.id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(CodeUsed::Recovery)
}

/// A code checked through the login throttle, on the same account key as
/// the password: codes are slowed like passwords after five failures, and
/// a right code forgives the count.
async fn throttled(
    state: &AppState,
    row: &staff::Model,
    code: &str,
    now: NaiveDateTime,
) -> Result<CodeUsed, AppError> {
    let key = format!("staff:{}", row.email.trim());
    let delay = state.login_throttle.begin(&key).await;
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    let used = use_code(&state.db, row, code, now).await;
    match &used {
        Ok(_) => state.login_throttle.record_success(&key).await,
        Err(error) if error.fields().is_some() => state
            .metrics
            .record_security(SecurityEvent::FailedLoginStaff, ""),
        Err(_) => {}
    }
    used
}

/// The login's second step: the member of a pending login gives a code.
pub async fn finish_login(
    state: &AppState,
    row: &staff::Model,
    code: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    throttled(state, row, code, now).await?;
    staff::Entity::update_many()
        .col_expr(staff::Column::LastLoginAt, Expr::value(now))
        .filter(staff::Column::Id.eq(row.id))
        .exec(&state.db)
        .await?;
    Ok(())
}

/// Switches the member's own second factor off: the current password and a
/// code (or a recovery code) both, so neither a session left open nor a
/// phone found alone can do it.
pub async fn turn_off(
    state: &AppState,
    staff_id: i32,
    current_password: &str,
    code: &str,
    now: NaiveDateTime,
) -> Result<(), AppError> {
    let current = row(&state.db, staff_id).await?;
    if current.totp_enabled_at.is_none() {
        return Err(AppError::NotFound);
    }
    let verified = password::verify_async(
        current_password.to_owned(),
        String::new(),
        Some(current.password_hash.clone()),
    )
    .await?;
    if verified == Verified::No {
        return Err(AppError::field(
            "current_password",
            FieldError::WrongPassword,
        ));
    }
    // Through the login's throttle: this form must not become a way round
    // it to guess codes.
    throttled(state, &current, code, now).await?;
    let txn = super::begin_write(&state.db).await?;
    clear(&txn, staff_id).await?;
    audit::record(
        &txn,
        staff_id,
        AuditAction::StaffSecondFactorOff,
        Some(staff_id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}

async fn clear(db: &impl ConnectionTrait, staff_id: i32) -> Result<(), AppError> {
    staff::Entity::update_many()
        .col_expr(staff::Column::TotpSecret, Expr::value(None::<String>))
        .col_expr(
            staff::Column::TotpEnabledAt,
            Expr::value(None::<NaiveDateTime>),
        )
        .col_expr(staff::Column::TotpLastStep, Expr::value(None::<i64>))
        .filter(staff::Column::Id.eq(staff_id))
        .exec(db)
        .await?;
    staff_recovery_code::Entity::delete_many()
        .filter(staff_recovery_code::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(())
}

/// The operator removes the second factor of the account `email` from the
/// command line (`winkel admin reset-second-factor`): the way back for an
/// owner who lost both phone and recovery codes, for whom no other owner
/// can do it. Whoever has a shell on the server holds the database anyway.
/// Ends the account's sessions; audited under the account itself, as done
/// from the command line. Returns the account's id.
pub async fn reset_from_command_line(
    db: &DatabaseConnection,
    email: &str,
) -> Result<i32, AppError> {
    let email = email.trim().to_lowercase();
    let txn = super::begin_write(db).await?;
    let Some(row) = staff::Entity::find()
        .filter(staff::Column::Email.eq(email))
        .one(&txn)
        .await?
    else {
        txn.rollback().await?;
        return Err(AppError::NotFound);
    };
    clear(&txn, row.id).await?;
    staff_auth::end_all(&txn, row.id).await?;
    audit::record(
        &txn,
        row.id,
        AuditAction::StaffSecondFactorReset,
        Some(row.id),
        Some("winkel admin reset-second-factor".to_owned()),
    )
    .await?;
    txn.commit().await?;
    Ok(row.id)
}

/// The owner removes a member's second factor (a lost phone, no recovery
/// codes left): the member's sessions end, and they log in with the
/// password alone until they set up a new one (at once, if the owner
/// requires it of them). Owner only, never their own (they have recovery
/// codes, or the command line), audited.
pub async fn reset(db: &DatabaseConnection, actor: &StaffMember, id: i32) -> Result<(), AppError> {
    if !actor.is_owner {
        return Err(AppError::Forbidden);
    }
    let txn = super::begin_write(db).await?;
    if let Err(error) = super::staff::other_member(&txn, actor, id).await {
        txn.rollback().await?;
        return Err(error);
    }
    clear(&txn, id).await?;
    staff_auth::end_all(&txn, id).await?;
    audit::record(
        &txn,
        actor.id,
        AuditAction::StaffSecondFactorReset,
        Some(id),
        None,
    )
    .await?;
    txn.commit().await?;
    Ok(())
}
