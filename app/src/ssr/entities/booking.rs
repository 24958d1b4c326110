pub use crate::booking::rules::BookingStatus;
pub use crate::shop::rules::PaymentMethod;
use sea_orm::entity::prelude::*;

/// A booking (AVG-5): the item, the slot and a price snapshot, linked to
/// its customer; nothing personal of its own.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookings")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub token: String,
    pub customer_id: Option<i32>,
    pub item_id: i32,
    /// The item's name when booked (as an order line keeps its product's).
    pub item_name: String,
    /// The slot's start, UTC.
    pub starts_at: DateTime,
    pub duration_minutes: i32,
    pub places: i32,
    pub status: BookingStatus,
    pub payment_method: PaymentMethod,
    pub unit_price_cents: i64,
    pub total_cents: i64,
    pub vat_rate_bp: i32,
    pub created_at: DateTime,
    pub cancelled_at: Option<DateTime>,
    pub anonymised_at: Option<DateTime>,
    /// The language of the page the booking was made on: its mails' language.
    pub locale: crate::locale::Locale,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
    #[sea_orm(
        belongs_to = "super::bookable_item::Entity",
        from = "Column::ItemId",
        to = "super::bookable_item::Column::Id"
    )]
    Item,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::bookable_item::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Item.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
