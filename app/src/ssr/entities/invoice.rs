use sea_orm::entity::prelude::*;

/// An issued invoice: a snapshot that never changes, except that its
/// buyer is anonymised when the law no longer lets the shop keep them
/// (`services::invoices`). Its number comes from `invoice_counter`.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "invoices")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    #[sea_orm(unique)]
    pub number: i64,
    /// When it was issued, UTC; its invoice date is the shop's day of it.
    pub issued_at: DateTime,
    pub order_id: Option<i32>,
    pub booking_id: Option<i32>,
    /// The language of the order or booking: the invoice's language.
    pub locale: crate::locale::Locale,
    pub seller_name: String,
    pub seller_street: String,
    pub seller_postcode: String,
    pub seller_city: String,
    pub seller_kvk: String,
    pub seller_vat_id: String,
    pub buyer_name: String,
    pub buyer_company: Option<String>,
    pub buyer_vat_number: Option<String>,
    pub buyer_street: String,
    pub buyer_postcode: String,
    pub buyer_city: String,
    pub buyer_country: String,
    /// Bought by a business (company name or VAT number): kept whole for
    /// the fiscal term, even after the customer is erased.
    pub business: bool,
    pub reverse_charge: bool,
    /// The lines as charged, JSON (`invoice::rules::InvoiceLine`).
    #[sea_orm(column_type = "Text")]
    pub lines: String,
    pub total_cents: i64,
    pub vat_cents: i64,
    pub anonymised_at: Option<DateTime>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
