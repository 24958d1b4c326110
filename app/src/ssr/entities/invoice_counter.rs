use sea_orm::entity::prelude::*;

/// The one row (id 1) that numbers invoices: incremented in the
/// transaction that issues an invoice, so a rolled-back order uses no
/// number and two orders never get the same one.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoice_counter")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i32,
    pub last_number: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
