pub use crate::cms::rules::OrderStatus;
pub use crate::shop::rules::{DeliveryMethod, PaymentMethod};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "orders")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub token: String,
    pub customer_id: Option<i32>,
    pub status: OrderStatus,
    pub placed_at: DateTime,
    pub desired_delivery_date: Option<Date>,
    pub delivery_method: DeliveryMethod,
    pub payment_method: PaymentMethod,
    pub subtotal_cents: i64,
    pub shipping_cents: i64,
    pub vat_cents: i64,
    pub total_cents: i64,
    pub recipient_name: String,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub anonymised_at: Option<DateTime>,
    /// The language of the page the order was placed on: its mails' language.
    pub locale: crate::locale::Locale,
    /// The carrier's track-and-trace link, entered when marked shipped
    /// (https only); cleared by anonymisation.
    pub track_url: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(
        belongs_to = "super::customer::Entity",
        from = "Column::CustomerId",
        to = "super::customer::Column::Id"
    )]
    Customer,
    #[sea_orm(has_many = "super::order_line::Entity")]
    OrderLine,
}

impl Related<super::customer::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Customer.def()
    }
}

impl Related<super::order_line::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::OrderLine.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
