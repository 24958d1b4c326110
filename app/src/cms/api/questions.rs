//! Questions from the contact form.

use crate::cms::models::{QuestionDetail, QuestionPage};
#[cfg(feature = "ssr")]
use crate::cms::rules::AuditAction;
#[cfg(feature = "ssr")]
use crate::cms::rules::Right;
use crate::error::AppError;
#[cfg(feature = "ssr")]
use crate::ssr::services::audit::audited;
#[cfg(feature = "ssr")]
use crate::ssr::{now_utc, services, staff_auth};
use leptos::prelude::*;

/// Questions from the contact form, newest first. Their askers' names are
/// personal data: `customers.view`.
#[server(endpoint = "cms_questions")]
pub async fn cms_questions(
    status: Option<String>,
    before: Option<i32>,
) -> Result<QuestionPage, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersView).await?;
    services::questions::list(&state.db, member.id, status.as_deref(), before).await
}

/// One question with the asker's contact data; every view is audited.
#[server(endpoint = "cms_question")]
pub async fn cms_question(id: i32) -> Result<QuestionDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersView).await?;
    services::questions::view(&state.db, member.id, id).await
}

/// Answers a question: the answer is mailed to the asker and stored. A
/// change to what is kept about a customer: `customers.edit`.
#[server(endpoint = "cms_answer_question")]
pub async fn cms_answer_question(id: i32, answer: String) -> Result<QuestionDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
    services::questions::answer(&state, member.id, id, &answer, now_utc()).await
}

#[server(endpoint = "cms_close_question")]
pub async fn cms_close_question(id: i32) -> Result<QuestionDetail, AppError> {
    let (state, member) = staff_auth::require(Right::CustomersEdit).await?;
    let close = async |txn: &_| Ok((services::questions::close(txn, id).await?, None));
    audited(
        &state.db,
        member.id,
        AuditAction::QuestionClose,
        Some(id),
        close,
    )
    .await
}
