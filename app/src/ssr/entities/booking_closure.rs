use sea_orm::entity::prelude::*;

/// A closed day (Amsterdam date) of one item, or of every item when
/// `item_id` is `None`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_closures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: Option<i32>,
    pub closed_on: Date,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
