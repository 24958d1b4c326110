//! The CMS's rules, one file a subject: staff rights, order statuses, the
//! settings and the catalogue.

mod audit;
mod catalog;
mod orders;
mod rights;
mod settings;

pub use audit::AuditAction;
pub use catalog::{image_extension, parse_price, MAX_IMAGE_BYTES, VAT_RATES_BP};
pub use orders::OrderStatus;
pub use rights::{parse_rights, Right, StaffMember};
pub use settings::{database_login, DEFAULT_BACKUPS_KEEP, DEFAULT_RETENTION_YEARS};
