//! AVG-4: the only place a customer's personal data lives.

pub use crate::customer::{CustomerKind, NewsletterState};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "customers")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub kind: CustomerKind,
    pub first_name: String,
    pub last_name: String,
    pub gender: Option<String>,
    pub email: String,
    pub phone: String,
    pub phone2: Option<String>,
    pub company_name: Option<String>,
    pub vat_number: Option<String>,
    pub street: String,
    pub house_number: String,
    pub postcode: String,
    pub city: String,
    pub country: String,
    pub delivery_street: Option<String>,
    pub delivery_house_number: Option<String>,
    pub delivery_postcode: Option<String>,
    pub delivery_city: Option<String>,
    pub delivery_country: Option<String>,
    pub newsletter: NewsletterState,
    pub newsletter_consent_at: Option<DateTime>,
    pub payment_methods: Option<String>,
    pub created_at: DateTime,
    pub last_login_at: Option<DateTime>,
    pub password_hash: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::order::Entity")]
    Order,
}

impl Related<super::order::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Order.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
