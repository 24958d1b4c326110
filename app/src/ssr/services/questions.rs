//! Questions from the contact form (AVG-2, AVG-3): stored with their
//! asker, listed, answered (by mail) and closed in the CMS. The CMS server
//! functions write the audit log.

use super::audit::{self, Shown};
use super::{one_page, PAGE_SIZE};
use crate::cms::models::{QuestionDetail, QuestionPage, QuestionRow};
use crate::cms::rules::AuditAction;
use crate::contact::rules::{ContactInput, QuestionStatus, ANSWER_MAX};
use crate::error::AppError;
use crate::locale::Locale;
use crate::ssr::entities::{customer, question};
use crate::ssr::mail_text;
use crate::ssr::mailer::{Mail, MailKind};
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError};
use chrono::NaiveDateTime;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection,
    DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};

/// A prospect holding only what the contact form asked.
fn new_prospect(
    data: &crate::contact::rules::ContactData,
    now: NaiveDateTime,
) -> customer::ActiveModel {
    customer::ActiveModel {
        last_name: Set(data.last_name.clone()),
        phone: Set(data.phone.clone().unwrap_or_default()),
        company_name: Set(data.company_name.clone()),
        ..super::accounts::new_prospect(&data.email, &data.first_name, now)
    }
}

/// Stores a question. A logged-in customer's goes on their own record; a
/// visitor becomes a new prospect, in the same transaction as the question
/// (never a prospect without a question). A visitor is not matched to an
/// existing record by email: whoever types an address must not add to, or
/// change, someone else's data. `locale`: the language of the page it was
/// asked on, the answer's language.
pub async fn ask(
    db: &DatabaseConnection,
    logged_in: Option<&customer::Model>,
    input: &ContactInput,
    locale: Locale,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let (customer_id, body, prospect) = match logged_in {
        Some(c) => (Some(c.id), input.validate_question()?, None),
        None => {
            let data = input.validate()?;
            (None, data.question.clone(), Some(data))
        }
    };
    let txn = super::begin_write(db).await?;
    let customer_id = match (customer_id, prospect) {
        (Some(id), _) => id,
        (None, Some(data)) => {
            customer::Entity::insert(new_prospect(&data, now))
                .exec(&txn)
                .await?
                .last_insert_id
        }
        (None, None) => return Err(AppError::Internal),
    };
    let id = question::Entity::insert(question::ActiveModel {
        customer_id: Set(customer_id),
        body: Set(body),
        status: Set(QuestionStatus::Open),
        answer: Set(None),
        created_at: Set(now),
        answered_at: Set(None),
        locale: Set(locale),
        ..Default::default()
    })
    .exec(&txn)
    .await?
    .last_insert_id;
    txn.commit().await?;
    Ok(id)
}

fn excerpt(body: &str) -> String {
    let mut short: String = body.chars().take(80).collect();
    if body.chars().count() > 80 {
        short.push('…');
    }
    short
}

/// Newest first, 50 a page, continuing before the id `before` (keyset
/// paging); `status` one of open / answered / closed, anything else: all.
/// Each row shows its asker's name: the page is audited, the questions
/// shown with their askers (a question always has one: a visitor who asks
/// becomes a prospect, and the question goes when its asker is erased).
pub async fn list(
    db: &DatabaseConnection,
    staff_id: i32,
    status: Option<&str>,
    before: Option<i32>,
) -> Result<QuestionPage, AppError> {
    let mut select = question::Entity::find()
        .order_by_desc(question::Column::Id)
        .limit(PAGE_SIZE + 1);
    if let Some(status) = status.and_then(QuestionStatus::parse) {
        select = select.filter(question::Column::Status.eq(status));
    }
    if let Some(before) = before {
        select = select.filter(question::Column::Id.lt(before));
    }
    let (rows, more) = one_page(select.all(db).await?);
    let ids: Vec<i32> = rows.iter().map(|q| q.customer_id).collect();
    let shown = rows
        .iter()
        .map(|q| Shown {
            record_id: q.id,
            customer_id: Some(q.customer_id),
        })
        .collect();
    let askers = customer::Entity::find()
        .filter(customer::Column::Id.is_in(ids))
        .all(db)
        .await?;
    audit::record_read(db, staff_id, AuditAction::QuestionList, None, None, shown).await?;
    Ok(QuestionPage {
        next_before: if more {
            rows.last().map(|q| q.id)
        } else {
            None
        },
        rows: rows
            .into_iter()
            .map(|q| {
                let asker = askers.iter().find(|c| c.id == q.customer_id);
                QuestionRow {
                    id: q.id,
                    created_at: q.created_at,
                    status: q.status,
                    name: asker
                        .map_or_else(String::new, |c| format!("{} {}", c.first_name, c.last_name)),
                    excerpt: excerpt(&q.body),
                }
            })
            .collect(),
    })
}

async fn find(
    db: &impl ConnectionTrait,
    id: i32,
) -> Result<(question::Model, customer::Model), AppError> {
    let q = question::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = customer::Entity::find_by_id(q.customer_id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok((q, c))
}

fn detail_of(q: question::Model, c: customer::Model) -> QuestionDetail {
    QuestionDetail {
        id: q.id,
        status: q.status,
        body: q.body,
        answer: q.answer,
        created_at: q.created_at,
        answered_at: q.answered_at,
        can_answer: q.status.can_answer(),
        can_close: q.status.can_close(),
        customer_id: c.id,
        customer_kind: c.kind,
        name: format!("{} {}", c.first_name, c.last_name),
        email: c.email,
        phone: Some(c.phone).filter(|p| !p.is_empty()),
        company_name: c.company_name,
        locale: q.locale,
    }
}

/// One question for a member of staff; the view is audited (AVG-11).
pub async fn view(
    db: &DatabaseConnection,
    staff_id: i32,
    id: i32,
) -> Result<QuestionDetail, AppError> {
    let detail = detail(db, id).await?;
    let shown = vec![Shown {
        record_id: id,
        customer_id: Some(detail.customer_id),
    }];
    audit::record_read(
        db,
        staff_id,
        AuditAction::QuestionView,
        Some(id),
        None,
        shown,
    )
    .await?;
    Ok(detail)
}

/// One question with its asker's contact data.
pub async fn detail(db: &impl ConnectionTrait, id: i32) -> Result<QuestionDetail, AppError> {
    let (q, c) = find(db, id).await?;
    Ok(detail_of(q, c))
}

/// The mail that carries an answer: plain text, the question quoted, in
/// the language the question was asked in.
fn answer_mail(
    shop_name: &str,
    asker: &customer::Model,
    q: &question::Model,
    answer: &str,
) -> Mail {
    let text =
        mail_text::questions::answer(q.locale, shop_name, &asker.first_name, &q.body, answer);
    Mail {
        kind: MailKind::QuestionAnswer,
        to: asker.email.clone(),
        subject: text.subject,
        body: text.body,
        html: None,
        unsubscribe_url: None,
    }
}

/// Stores the answer and queues its mail to the asker, in one
/// transaction with `staff_id`'s audit entry: the question is answered
/// exactly when its mail is on its way (the outbox retries while the mail
/// server is away). Conditional on the question still being open, so two
/// staff members answering at once send one answer.
pub async fn answer(
    state: &AppState,
    staff_id: i32,
    id: i32,
    answer: &str,
    now: NaiveDateTime,
) -> Result<QuestionDetail, AppError> {
    let answer = v::required_text(answer, ANSWER_MAX).map_err(|e| AppError::field("answer", e))?;
    let (q, c) = find(&state.db, id).await?;
    if !q.status.can_answer() {
        return Err(AppError::field("answer", FieldError::StatusChange));
    }
    let shop_name = super::settings::load(&state.db).await?.shop_name;
    let mail = answer_mail(&shop_name, &c, &q, &answer);
    let store = async |txn: &DatabaseTransaction| {
        let stored = question::Entity::update_many()
            .col_expr(
                question::Column::Status,
                Expr::value(QuestionStatus::Answered),
            )
            .col_expr(question::Column::Answer, Expr::value(Some(answer)))
            .col_expr(question::Column::AnsweredAt, Expr::value(Some(now)))
            .filter(question::Column::Id.eq(id))
            .filter(question::Column::Status.eq(QuestionStatus::Open))
            .exec(txn)
            .await?;
        if stored.rows_affected != 1 {
            return Err(AppError::field("answer", FieldError::StatusChange));
        }
        state.outbox.queue(txn, &mail, Some(c.id), now).await?;
        Ok((detail(txn, id).await?, None))
    };
    let answered = super::audit::audited(
        &state.db,
        staff_id,
        AuditAction::QuestionAnswer,
        Some(id),
        store,
    )
    .await?;
    state.outbox.wake();
    Ok(answered)
}

/// Closes a question (answered, or needing no answer), in the caller's
/// transaction (with its audit entry).
pub async fn close(txn: &DatabaseTransaction, id: i32) -> Result<QuestionDetail, AppError> {
    let (q, c) = find(txn, id).await?;
    if !q.status.can_close() {
        return Err(AppError::field("status", FieldError::StatusChange));
    }
    let mut row: question::ActiveModel = q.into();
    row.status = Set(QuestionStatus::Closed);
    let q = row.update(txn).await?;
    Ok(detail_of(q, c))
}
