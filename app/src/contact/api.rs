//! Contact server functions: thin, the work is in `ssr::services::questions`.

use super::rules::ContactInput;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::{auth, db, now_utc, services::questions, session};
use leptos::prelude::*;

/// Stores a question (AVG-3): a visitor's as a prospect with their contact
/// data, a logged-in customer's on their own record.
#[server(endpoint = "send_question")]
pub async fn send_question(
    #[server(flatten)] input: ContactInput,
    #[server(flatten)] guard: crate::forms::GuardFields,
) -> Result<(), AppError> {
    crate::ssr::form_guard::check(crate::ssr::form_limit::FormKind::Contact, &guard).await?;
    let db = db()?;
    let customer = auth::current_customer(&db, &session().await?).await?;
    questions::ask(
        &db,
        customer.as_ref(),
        &input,
        crate::ssr::request_locale(),
        now_utc(),
    )
    .await?;
    leptos_axum::redirect(&crate::ssr::localized("/contact?sent=1"));
    Ok(())
}
