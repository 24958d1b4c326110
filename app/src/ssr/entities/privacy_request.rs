//! A mailed link to see, download or erase what an address holds
//! (`/privacy/request`): nothing personal (see migration 17).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "privacy_requests")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    /// The customer row the link was mailed for; its address is the one
    /// the request covers.
    pub customer_id: i32,
    /// SHA-256 (hex) of the link's secret and the address it was sent to.
    pub secret_hash: String,
    pub created_at: DateTime,
    pub expires_at: DateTime,
    /// When the link erased everything: it works no more.
    pub used_at: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
