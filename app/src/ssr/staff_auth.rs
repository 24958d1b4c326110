//! The CMS session: its own cookie (`winkel_cms`, SameSite=Strict,
//! `__Host-` prefixed under TLS), ending after a configurable idle time
//! (30 minutes by default; the idle clock restarts at most once per tenth
//! of it, see [`lookup`]). The store keeps a SHA-256 of the cookie token, so
//! a copy of the database holds no live session. Every request re-checks
//! that the member is not locked (AVG-11): locking takes effect mid-session.
//!
//! A member with a second factor gets no session from the password alone:
//! a pending row (its own cookie, `winkel_cms_pending`, five minutes) that
//! only the code form accepts (see [`start_pending`]); [`lookup`] never
//! takes it for a session, so nothing half-logged-in reaches the CMS.

use super::entities::{session, setting, staff, staff_right};
use super::state::AppState;
use super::{now_utc, random_token};
use crate::cms::rules::{parse_rights, Right, StaffMember};
use crate::error::AppError;
use chrono::Duration;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

/// The CMS cookie's name; `__Host-` prefixed under TLS (see the shop's
/// `session_cookie` in the server crate for why).
pub fn cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-winkel_cms"
    } else {
        "winkel_cms"
    }
}

fn stored_id(token: &str) -> String {
    super::sha256_hex(token)
}

fn idle(state: &AppState) -> Duration {
    Duration::from_std(state.config.cms_idle).unwrap_or_else(|_| Duration::minutes(30))
}

/// The `Set-Cookie` value for a token (empty token: remove the cookie).
pub fn cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let name = cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// The CMS token from a request's `Cookie` headers. Under TLS only the
/// `__Host-` cookie counts.
pub fn token_from(headers: &http::HeaderMap, secure: bool) -> Option<String> {
    let wanted = cookie_name(secure);
    headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == wanted && !value.is_empty())
        .map(|(_, value)| value.to_owned())
}

/// Starts a session for a staff member; returns the cookie to set.
pub async fn start(state: &AppState, staff_id: i32) -> Result<String, AppError> {
    let token = random_token()?;
    session::Entity::insert(session::ActiveModel {
        id: Set(stored_id(&token)),
        data: Set(b"{}".to_vec()),
        expires_at: Set(now_utc() + idle(state)),
        customer_id: Set(None),
        staff_id: Set(Some(staff_id)),
    })
    .exec(&state.db)
    .await?;
    Ok(cookie(
        &token,
        idle(state).num_seconds(),
        state.config.secure_cookies,
    ))
}

/// The data of a pending row: the password was right, the code not given
/// yet. A session's data is `{}`; this is never taken for one.
const PENDING: &[u8] = br#"{"pending":"second_factor"}"#;

/// How long the code form waits after a right password.
const PENDING_SECS: i64 = 5 * 60;

/// The pending login's cookie name; `__Host-` prefixed under TLS.
pub fn pending_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-winkel_cms_pending"
    } else {
        "winkel_cms_pending"
    }
}

fn pending_cookie(token: &str, max_age_secs: i64, secure: bool) -> String {
    let name = pending_cookie_name(secure);
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_secs}{secure}")
}

/// The password was right and the member has a second factor: a pending
/// login the code form can finish; returns the cookie to set.
pub async fn start_pending(state: &AppState, staff_id: i32) -> Result<String, AppError> {
    let token = random_token()?;
    session::Entity::insert(session::ActiveModel {
        id: Set(stored_id(&token)),
        data: Set(PENDING.to_vec()),
        expires_at: Set(now_utc() + Duration::seconds(PENDING_SECS)),
        customer_id: Set(None),
        staff_id: Set(Some(staff_id)),
    })
    .exec(&state.db)
    .await?;
    Ok(pending_cookie(
        &token,
        PENDING_SECS,
        state.config.secure_cookies,
    ))
}

/// The member of the request's pending login (live, not locked), with its
/// token.
pub async fn pending(
    state: &AppState,
    headers: &http::HeaderMap,
) -> Result<Option<(String, staff::Model)>, AppError> {
    let wanted = pending_cookie_name(state.config.secure_cookies);
    let Some(token) = headers
        .get_all(http::header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, value)| *name == wanted && !value.is_empty())
        .map(|(_, value)| value.to_owned())
    else {
        return Ok(None);
    };
    let Some(row) = session::Entity::find_by_id(stored_id(&token))
        .filter(session::Column::ExpiresAt.gt(now_utc()))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    let Some(staff_id) = row.staff_id.filter(|_| row.data == PENDING) else {
        return Ok(None);
    };
    Ok(staff::Entity::find_by_id(staff_id)
        .one(&state.db)
        .await?
        .filter(|m| m.locked_at.is_none())
        .map(|m| (token, m)))
}

/// Ends a pending login (its code was given); returns the cookie that
/// removes it.
pub async fn end_pending(state: &AppState, token: &str) -> Result<String, AppError> {
    session::Entity::delete_by_id(stored_id(token))
        .exec(&state.db)
        .await?;
    Ok(pending_cookie("", 0, state.config.secure_cookies))
}

/// Ends the session of this token; returns the cookie that removes it.
pub async fn end(state: &AppState, token: &str) -> Result<String, AppError> {
    session::Entity::delete_by_id(stored_id(token))
        .exec(&state.db)
        .await?;
    Ok(cookie("", 0, state.config.secure_cookies))
}

/// Ends every session of a staff member (lock, password change).
pub async fn end_all(db: &impl ConnectionTrait, staff_id: i32) -> Result<(), AppError> {
    session::Entity::delete_many()
        .filter(session::Column::StaffId.eq(staff_id))
        .exec(db)
        .await?;
    Ok(())
}

pub async fn member(
    db: &impl ConnectionTrait,
    row: &staff::Model,
) -> Result<StaffMember, AppError> {
    let names: Vec<String> = staff_right::Entity::find()
        .filter(staff_right::Column::StaffId.eq(row.id))
        .all(db)
        .await?
        .into_iter()
        .map(|r| r.right_name)
        .collect();
    let mut member = StaffMember {
        id: row.id,
        email: row.email.clone(),
        is_owner: row.is_owner,
        rights: parse_rights(names.iter().map(String::as_str)),
        must_change_password: row.must_change_password,
        second_factor: row.totp_enabled_at.is_some(),
        needs_second_factor: false,
    };
    // The setting is read only for a member it could concern.
    if !member.second_factor && member.sees_customer_data() {
        member.needs_second_factor = second_factor_required(db).await?;
    }
    Ok(member)
}

/// The settings key of the owner's requirement.
pub const REQUIRE_SECOND_FACTOR: &str = "require_second_factor";

/// Whether the owner requires a second factor of everyone who sees
/// customer data.
pub async fn second_factor_required(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    Ok(setting::Entity::find_by_id(REQUIRE_SECOND_FACTOR)
        .one(db)
        .await?
        .is_some_and(|s| s.value == "true"))
}

/// Provided by a server function for a request the page makes by itself
/// (the dashboard's refresh every minute): it does not restart the idle
/// clock, so a screen left open still logs out after the idle time.
#[derive(Clone, Copy)]
pub struct NotTheMember;

/// A live CMS session, as the request found it.
pub struct Live {
    pub member: StaffMember,
    /// When the idle clock was restarted: the `Set-Cookie` value that gives
    /// the browser's cookie its full lifetime again.
    pub refreshed_cookie: Option<String>,
}

/// The staff member of this token, if the session is live and the member
/// not locked. The idle clock restarts only when more than a tenth of it
/// has passed since it last did (`session_store::renewal_due`): a CMS
/// screen makes several calls a second, and each would otherwise write the
/// session row. The session thus ends between 0.9 × and 1 × the idle time
/// after the last request.
pub async fn lookup(state: &AppState, token: &str) -> Result<Option<Live>, AppError> {
    let now = now_utc();
    let Some(row) = session::Entity::find_by_id(stored_id(token))
        .filter(session::Column::ExpiresAt.gt(now))
        .one(&state.db)
        .await?
    else {
        return Ok(None);
    };
    // A pending login (password only) is no session.
    let Some(staff_id) = row.staff_id.filter(|_| row.data != PENDING) else {
        return Ok(None);
    };
    let Some(member_row) = staff::Entity::find_by_id(staff_id).one(&state.db).await? else {
        return Ok(None);
    };
    if member_row.locked_at.is_some() {
        end_all(&state.db, staff_id).await?;
        return Ok(None);
    }
    let mut refreshed_cookie = None;
    let by_the_member = leptos::prelude::use_context::<NotTheMember>().is_none();
    if by_the_member && super::session_store::renewal_due(row.expires_at, now, idle(state)) {
        // An UPDATE of the row as it is: a row deleted meanwhile (lock,
        // logout) stays deleted.
        session::Entity::update_many()
            .col_expr(
                session::Column::ExpiresAt,
                sea_orm::sea_query::Expr::value(now + idle(state)),
            )
            .filter(session::Column::Id.eq(row.id))
            .exec(&state.db)
            .await?;
        refreshed_cookie = Some(cookie(
            token,
            idle(state).num_seconds(),
            state.config.secure_cookies,
        ));
    }
    Ok(Some(Live {
        member: member(&state.db, &member_row).await?,
        refreshed_cookie,
    }))
}

/// The staff member of this token (see [`lookup`]), from inside a server
/// function or a render: a restarted idle clock renews the cookie through
/// the response.
pub async fn current(state: &AppState, token: &str) -> Result<Option<StaffMember>, AppError> {
    Ok(lookup(state, token).await?.map(|live| {
        if let Some(value) = live.refreshed_cookie {
            append_cookie(&value);
        }
        live.member
    }))
}

/// The live CMS session of a request's headers, if any (a store error
/// counts as no login). The caller sends `refreshed_cookie`.
pub async fn from_headers(state: &AppState, headers: &http::HeaderMap) -> Option<Live> {
    match token_from(headers, state.config.secure_cookies) {
        Some(token) => lookup(state, &token).await.ok().flatten(),
        None => None,
    }
}

fn append_cookie(value: &str) {
    if let (Some(options), Ok(value)) = (
        leptos::prelude::use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(value),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Tells the browser to forget the CMS cookie (on a dead session).
fn forget_cookie(state: &AppState) {
    append_cookie(&cookie("", 0, state.config.secure_cookies));
}

/// The logged-in staff member of the current request, whatever their rights.
/// The stored id of the current request's CMS session: a key for what
/// belongs to this login only (`shown_once`), never the token itself.
pub fn session_key(state: &AppState) -> Option<String> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| token_from(&parts.headers, state.config.secure_cookies))
        .map(|token| stored_id(&token))
}

pub async fn require_login() -> Result<(AppState, StaffMember), AppError> {
    let state = super::state::state()?;
    let token = leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| token_from(&parts.headers, state.config.secure_cookies));
    let Some(token) = token else {
        return Err(AppError::Unauthorized);
    };
    match current(&state, &token).await? {
        Some(member) => Ok((state, member)),
        None => {
            forget_cookie(&state);
            Err(AppError::Unauthorized)
        }
    }
}

/// The logged-in member who has chosen their own password, whether or not
/// the owner's second-factor requirement is met: their own security
/// screen, where they meet it.
pub async fn require_own_account() -> Result<(AppState, StaffMember), AppError> {
    let (state, member) = require_login().await?;
    if member.must_change_password {
        return Err(AppError::PasswordChangeRequired);
    }
    Ok((state, member))
}

/// Any logged-in staff member who has chosen their own password and meets
/// the second-factor requirement (screens without personal data, such as
/// the dashboard).
pub async fn require_member() -> Result<(AppState, StaffMember), AppError> {
    let (state, member) = require_own_account().await?;
    if member.needs_second_factor {
        return Err(AppError::SecondFactorRequired);
    }
    Ok((state, member))
}

/// The logged-in staff member, who must hold `right` and have chosen their
/// own password, and a second factor when the owner requires one of them.
/// Every CMS server function starts here.
pub async fn require(right: Right) -> Result<(AppState, StaffMember), AppError> {
    let (state, member) = require_member().await?;
    if !member.allows(right) {
        return Err(AppError::Forbidden);
    }
    Ok((state, member))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_cms_cookie_among_others() {
        let mut headers = http::HeaderMap::new();
        headers.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("winkel_session=abc; winkel_cms=t0k3n"),
        );
        assert_eq!(token_from(&headers, false).as_deref(), Some("t0k3n"));
        // Under TLS a cookie without the prefix could have been planted
        // over plain HTTP: it does not count.
        assert_eq!(token_from(&headers, true), None);
        let mut secure = http::HeaderMap::new();
        secure.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("winkel_cms=planted; __Host-winkel_cms=t0k3n"),
        );
        assert_eq!(token_from(&secure, true).as_deref(), Some("t0k3n"));
        let mut other = http::HeaderMap::new();
        other.append(
            http::header::COOKIE,
            http::HeaderValue::from_static("winkel_cms=; x=y"),
        );
        assert_eq!(token_from(&other, false), None);
    }

    #[test]
    fn stored_ids_are_hashes() {
        assert_eq!(stored_id("abc").len(), 64);
        assert_ne!(stored_id("abc"), "abc");
        assert!(cookie("t", 1800, true).starts_with(
            "__Host-winkel_cms=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=1800; Secure"
        ));
        assert!(cookie("t", 1800, false).starts_with("winkel_cms=t; Path=/;"));
    }
}
