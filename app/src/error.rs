//! The one error type of every server function, and the one place where it
//! becomes an HTTP status and a sentence for the user.

use crate::validate::FieldErrors;
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
pub enum AppError {
    /// One or more form fields were refused; each carries its own reason.
    #[error("invalid input")]
    Validation(FieldErrors),
    #[error("not found")]
    NotFound,
    #[error("not enough stock of {product}: {available} left")]
    OutOfStock { product: String, available: i32 },
    #[error("the cart is empty")]
    CartEmpty,
    #[error("a product in the cart is no longer available")]
    ProductUnavailable,
    /// A slot that cannot be booked (past, closed, beyond the horizon), or
    /// a booking that can no longer be cancelled.
    #[error("slot refused: {0:?}")]
    SlotRefused(crate::booking::rules::SlotRefusal),
    /// The slot has fewer places left than asked for.
    #[error("slot full: {left} places left")]
    SlotFull { left: i32 },
    #[error("not logged in")]
    Unauthorized,
    /// Unknown email or wrong password: deliberately indistinguishable.
    #[error("invalid credentials")]
    InvalidCredentials,
    #[error("forbidden")]
    Forbidden,
    /// A staff member must choose their own password before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    /// The owner requires a second factor of this member (they see
    /// customer data) and they have not set one up yet.
    #[error("second factor required")]
    SecondFactorRequired,
    /// A write sent by another website's page (CSRF), refused before any
    /// handler ran.
    #[error("cross-site request refused")]
    CrossSite,
    /// AVG-19: the form looked like a bot's (honeypot filled, sent too fast
    /// or with a missing or stale token). Deliberately vague.
    #[error("form refused")]
    FormRefused,
    /// AVG-19: this visitor sent too many forms of this kind lately.
    #[error("too many forms; retry after {retry_after_secs} s")]
    TooManyForms { retry_after_secs: u64 },
    #[error("too many requests; retry after {retry_after_secs} s")]
    RateLimited { retry_after_secs: u64 },
    /// AVG-19: the shop is too busy to take this request now (the queue of
    /// password hashes is full); answered 503 with `Retry-After`.
    #[error("busy; retry after {retry_after_secs} s")]
    Busy { retry_after_secs: u64 },
    /// The database cannot be reached or written just now (it restarts, its
    /// disk is full, it stays locked); answered 503 with `Retry-After`, and
    /// nothing was changed. See `ssr::db_fault`.
    #[error("unavailable; retry after {retry_after_secs} s")]
    Unavailable { retry_after_secs: u64 },
    /// The write lost to another one writing the same rows at the same
    /// moment (a deadlock, or a Galera certification conflict) and was
    /// rolled back; the services send it again a few times before this
    /// reaches the user (503 with `Retry-After`).
    #[error("write conflict; retry after {retry_after_secs} s")]
    WriteConflict { retry_after_secs: u64 },
    /// A mail could not be sent (the mail server refused or is down);
    /// logged on the server, told to the user plainly.
    #[error("mail could not be sent")]
    MailFailed,
    /// A signed link (newsletter confirmation, unsubscribe) was altered or
    /// has expired.
    #[error("invalid or expired link")]
    InvalidLink,
    /// Something failed on the server; the details are in the server log
    /// only, never sent to the browser.
    #[error("internal error")]
    Internal,
    /// The request never reached our code (network, decoding).
    #[error("request failed: {0}")]
    Request(String),
}

impl AppError {
    /// The HTTP status of this error (see `answer`).
    pub fn status(&self) -> u16 {
        match self {
            Self::Validation(_) => 422,
            Self::NotFound => 404,
            Self::OutOfStock { .. }
            | Self::CartEmpty
            | Self::ProductUnavailable
            | Self::SlotFull { .. } => 409,
            Self::SlotRefused(_) => 422,
            Self::Unauthorized | Self::InvalidCredentials => 401,
            Self::MailFailed
            | Self::Busy { .. }
            | Self::Unavailable { .. }
            | Self::WriteConflict { .. } => 503,
            Self::InvalidLink => 400,
            Self::Forbidden
            | Self::PasswordChangeRequired
            | Self::SecondFactorRequired
            | Self::CrossSite => 403,
            Self::RateLimited { .. } | Self::TooManyForms { .. } => 429,
            Self::Internal => 500,
            Self::Request(_) | Self::FormRefused => 400,
        }
    }

    /// The sentence shown to the user.
    pub fn user_message(&self) -> String {
        crate::i18n::error_message(self)
    }

    /// A validation error of one field.
    pub fn field(field: &str, error: crate::validate::FieldError) -> Self {
        let mut errors = FieldErrors::default();
        errors.add(field, error);
        Self::Validation(errors)
    }

    /// Seconds a client should wait before trying again (`Retry-After`).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            Self::TooManyForms { retry_after_secs }
            | Self::RateLimited { retry_after_secs }
            | Self::Busy { retry_after_secs }
            | Self::Unavailable { retry_after_secs }
            | Self::WriteConflict { retry_after_secs } => Some(*retry_after_secs),
            _ => None,
        }
    }

    /// The field errors, if this is a validation error.
    pub fn fields(&self) -> Option<&FieldErrors> {
        match self {
            Self::Validation(fields) => Some(fields),
            _ => None,
        }
    }
}

impl From<FieldErrors> for AppError {
    fn from(errors: FieldErrors) -> Self {
        Self::Validation(errors)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        Self::Request(value.to_string())
    }
}

#[cfg(feature = "ssr")]
impl From<sea_orm::DbErr> for AppError {
    /// A database failure is logged in full on the server and reaches the
    /// user only as "something went wrong", or as "not reachable just now,
    /// try again" when the database is away (`ssr::db_fault`).
    fn from(error: sea_orm::DbErr) -> Self {
        Self::from_db_fault(crate::ssr::db_fault::classify(&error), &error)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// The database is away: try again in a few seconds.
    pub fn unavailable() -> Self {
        Self::Unavailable {
            retry_after_secs: crate::ssr::db_fault::RETRY_AFTER_SECS,
        }
    }

    /// A database failure of kind `fault`: logged, and for an away
    /// database the shop's gate is closed (`ssr::db_gate`).
    fn from_db_fault(fault: crate::ssr::db_fault::DbFault, error: &dyn std::fmt::Display) -> Self {
        use crate::ssr::db_fault::DbFault;
        match fault {
            DbFault::Away => {
                let state = leptos::prelude::use_context::<crate::ssr::AppState>();
                if state.is_some_and(|s| !s.db_gate.note_away(&s.db)) {
                    // Every connection was busy: a peak.
                    tracing::warn!(%error, "no free database connection in time");
                    return Self::Busy {
                        retry_after_secs: crate::ssr::db_fault::RETRY_AFTER_SECS,
                    };
                }
                tracing::warn!(%error, "database unavailable");
                Self::unavailable()
            }
            DbFault::Refusing => {
                tracing::warn!(%error, "database refused a write");
                Self::unavailable()
            }
            DbFault::Conflict => {
                tracing::info!(%error, "a write lost to another and was rolled back");
                Self::WriteConflict {
                    retry_after_secs: 1,
                }
            }
            DbFault::Statement => {
                tracing::error!(%error, "database error");
                Self::Internal
            }
        }
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// A save of a record with a unique slug: the check before it found the
    /// slug free, but a second save at the same moment took it; the unique
    /// key refuses this one, and the editor is told so (not a 500).
    pub fn slug_taken_or(error: sea_orm::DbErr) -> Self {
        match error.sql_err() {
            Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
                Self::field("slug", crate::validate::FieldError::SlugTaken)
            }
            _ => error.into(),
        }
    }
}

#[cfg(feature = "ssr")]
impl From<tower_sessions::session::Error> for AppError {
    fn from(error: tower_sessions::session::Error) -> Self {
        Self::from_db_fault(crate::ssr::db_fault::classify_session(&error), &error)
    }
}

#[cfg(feature = "ssr")]
impl AppError {
    /// Gives a response, whatever its body, this error's status and
    /// `Retry-After`: the one place an error becomes a status. Server
    /// functions get it from the server's `server_fn_status` middleware,
    /// plain handlers through `IntoResponse`.
    pub fn answer(&self, response: &mut axum::response::Response) {
        *response.status_mut() = http::StatusCode::from_u16(self.status())
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        if let Some(secs) = self.retry_after() {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, secs.into());
        }
    }
}

/// A plain handler's error answer: the user's sentence as text.
#[cfg(feature = "ssr")]
impl axum::response::IntoResponse for AppError {
    fn into_response(self) -> axum::response::Response {
        let mut response = self.user_message().into_response();
        self.answer(&mut response);
        response
    }
}
