//! What the retention sweep reports (for the CMS preview), and what a
//! privacy request shows and downloads (`/privacy/request`).

use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

/// What a sweep did, or (dry run) would do, as of one day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RetentionReport {
    pub dry_run: bool,
    pub as_of: Option<NaiveDate>,
    pub retention_years: u32,
    /// Data stamped before this UTC instant is older than the term.
    pub cutoff: Option<NaiveDateTime>,
    pub customers_deleted: u64,
    pub orders_anonymised: u64,
    /// Bookings unlinked from their customer (a booking holds nothing
    /// else personal); absent from reports made before bookings existed.
    #[serde(default)]
    pub bookings_anonymised: u64,
    /// The ids, when asked for (`--json`); empty otherwise.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub customer_ids: Vec<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub order_ids: Vec<i32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub booking_ids: Vec<i32>,
}

/// What one address holds, shown on the page a privacy-request link
/// opens (`/privacy/request/confirm`): counts only, the details are in
/// the download.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressHoldings {
    /// Customer records with the address (guest orders, questions and a
    /// newsletter subscription each may have one of their own).
    pub records: u64,
    pub has_account: bool,
    pub orders: u64,
    pub bookings: u64,
    pub questions: u64,
    /// Subscribed, or asked to be and not yet confirmed.
    pub newsletter: bool,
}

/// The download of a privacy request: every customer record with the
/// address, each in the account export's format
/// (`winkel-customer-export/1`, docs/export-format.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressExport {
    pub format: String,
    pub exported_at: NaiveDateTime,
    pub records: Vec<crate::account::models::CustomerExport>,
}

/// Fields are only ever added, as in the account export.
pub const ADDRESS_EXPORT_FORMAT: &str = "winkel-address-export/1";
