//! Security events per hour (AVG-18): counts only, nothing personal.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "security_counts")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// The whole hour (UTC) the events fell in.
    pub hour_start: DateTime,
    pub kind: String,
    pub count: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
