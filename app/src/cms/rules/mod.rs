//! The CMS's rules, one file a subject: staff rights, order statuses, the
//! settings, the shop's identity, the shipping zones, the catalogue and the
//! bookable items' schedules, and the monitoring's warnings.

mod audit;
mod bookables;
mod catalog;
mod identity;
pub mod monitoring;
mod orders;
mod rights;
mod settings;
mod shipping;

pub use audit::AuditAction;
pub use bookables::{parse_time, parse_weekday, time_text};
pub use catalog::{image_extension, parse_price, parse_vat_rate, MAX_IMAGE_BYTES, VAT_RATES_BP};
pub use identity::{iban, kvk_number, validate_identity};
pub use monitoring::{Warning, WarningKind};
pub use orders::{track_url, OrderStatus, TRACK_URL_MAX};
pub use rights::{parse_rights, Right, StaffMember};
pub use settings::{database_login, DEFAULT_BACKUPS_KEEP, DEFAULT_RETENTION_YEARS};
pub use shipping::{validate_pickup, validate_zone, MAX_FREE_FROM_CENTS, MAX_RATE_CENTS};
