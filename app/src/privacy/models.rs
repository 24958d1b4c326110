//! What the retention sweep reports; crosses the wire for the CMS preview.

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
