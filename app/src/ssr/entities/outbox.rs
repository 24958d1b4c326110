//! A mail waiting to be sent (`services::outbox`). Holds the recipient and
//! the text only until the mail is sent; erased with its customer.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// `MailKind::as_str`.
    pub kind: String,
    pub customer_id: Option<i32>,
    pub recipient: String,
    pub subject: String,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    /// The HTML alternative of `body`, when the mail has one.
    #[sea_orm(column_type = "Text", nullable)]
    pub html_body: Option<String>,
    pub unsubscribe_url: Option<String>,
    pub attempts: i32,
    pub next_attempt_at: DateTime,
    /// A worker is sending it until then (another instance leaves it be).
    pub claimed_until: Option<DateTime>,
    pub created_at: DateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
