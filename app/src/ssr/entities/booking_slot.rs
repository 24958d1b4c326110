use sea_orm::entity::prelude::*;

/// The places taken in one slot of an item. Places are taken with one
/// conditional UPDATE of this row (see `services::bookings`).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "booking_slots")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub item_id: i32,
    pub starts_at: DateTime,
    pub places_taken: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
