use sea_orm::entity::prelude::*;

/// What can be booked: a repair slot, a workshop seat, an appointment.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "bookable_items")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub name: String,
    pub slug: String,
    #[sea_orm(column_type = "Text")]
    pub description: String,
    /// The English name and description, where written (issue 16).
    pub name_en: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub description_en: Option<String>,
    pub image: Option<String>,
    pub price_cents: i64,
    pub vat_rate_bp: i32,
    /// How long one booking lasts.
    pub duration_minutes: i32,
    /// How often a slot starts within the opening hours.
    pub slot_minutes: i32,
    /// Places per slot: 1 for an appointment, N for a workshop.
    pub capacity: i32,
    /// How many days ahead a slot can be booked.
    pub horizon_days: i32,
    /// Until how many hours before the start a customer may cancel.
    pub cancel_hours: i32,
    pub active: bool,
    pub created_at: DateTime,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::booking_hour::Entity")]
    Hours,
    #[sea_orm(has_many = "super::booking_date::Entity")]
    Dates,
    #[sea_orm(has_many = "super::booking::Entity")]
    Bookings,
}

impl Related<super::booking_hour::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Hours.def()
    }
}

impl Related<super::booking_date::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Dates.def()
    }
}

impl Related<super::booking::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Bookings.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
