//! A question from the contact / interest form (AVG-2, AVG-3).

pub use crate::contact::rules::QuestionStatus;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "questions")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub customer_id: i32,
    #[sea_orm(column_type = "Text")]
    pub body: String,
    pub status: QuestionStatus,
    #[sea_orm(column_type = "Text", nullable)]
    pub answer: Option<String>,
    pub created_at: DateTime,
    pub answered_at: Option<DateTime>,
    /// The language of the page the question was asked on: its mails' language.
    pub locale: crate::locale::Locale,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
