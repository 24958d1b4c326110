//! When the owner was last mailed about a kind of warning (AVG-18): at most
//! once an hour per kind. Nothing personal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "warning_mails")]
pub struct Model {
    /// A `WarningKind`.
    #[sea_orm(primary_key, auto_increment = false)]
    pub kind: String,
    pub mailed_at: DateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
