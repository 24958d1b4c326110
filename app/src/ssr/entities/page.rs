//! Content pages of the CMS (home text, about, ...), in Markdown.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "pages")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub slug: String,
    pub title: String,
    #[sea_orm(column_type = "Text")]
    pub body_markdown: String,
    /// The English title and text, where written (issue 16).
    pub title_en: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub body_markdown_en: Option<String>,
    pub published: bool,
    pub updated_at: DateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
