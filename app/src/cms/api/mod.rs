//! CMS server functions, one file a screen. Each one starts with
//! `staff_auth::require(right)`: the right is checked on the server for
//! every call (AVG-10), and `server/tests/it/cms.rs` proves it for every
//! `cms_*` endpoint there is. Every endpoint is named explicitly, so the
//! file a function lives in does not change its URL.

mod audit;
mod auth;
mod bookables;
mod bookings;
mod catalog;
mod customers;
mod dashboard;
mod orders;
mod pages;
mod questions;
mod security;
mod settings;
mod shipping;
mod staff;

pub use audit::*;
pub use auth::*;
pub use bookables::*;
pub use bookings::*;
pub use catalog::*;
pub use customers::*;
pub use dashboard::*;
pub use orders::*;
pub use pages::*;
pub use questions::*;
pub use security::*;
pub use settings::*;
pub use shipping::*;
pub use staff::*;
