//! The CMS for the shop owner and staff (AVG-9, AVG-10, AVG-11, AVG-13).
//! What a member may not do is hidden here, and refused on the server.
//! One file a screen; its server functions are in the matching `api/` file.

pub mod api;
mod app;
pub mod models;
pub mod questions;
pub mod rules;
pub mod security;
pub mod text;

mod audit;
mod bookables;
mod bookings;
mod bookings_text;
mod catalog;
mod customers;
mod dashboard;
mod orders;
mod pages;
mod password;
mod settings;
mod shell;
mod shipping;
mod staff;

/// Whether `path` (without a language prefix) is the CMS's: `/cms` or
/// below it, not a shop page whose address merely starts with "cms".
pub fn is_cms_path(path: &str) -> bool {
    path == "/cms" || path.starts_with("/cms/")
}

pub use app::CmsPage;
pub use audit::CmsAuditPage;
pub use bookables::{CmsBookablePage, CmsBookablesPage};
pub use bookings::{CmsBookingPage, CmsBookingsPage};
pub use catalog::{CmsCatalogPage, CmsProductPage};
pub use customers::{CmsCustomerPage, CmsCustomersPage};
pub use dashboard::CmsDashboard;
pub use orders::{CmsOrderPage, CmsOrdersPage};
pub use pages::{CmsPagePage, CmsPagesPage};
pub use password::CmsPasswordPage;
pub use questions::{CmsQuestionPage, CmsQuestionsPage};
pub use security::CmsSecurityPage;
pub use settings::CmsSettingsPage;
pub use shell::{CmsLoginCodePage, CmsLoginPage, CmsShell};
pub use shipping::CmsShippingPage;
pub use staff::CmsStaffPage;

#[cfg(test)]
mod tests {
    use super::is_cms_path;

    #[test]
    fn the_cms_is_cms_and_below_it_only() {
        assert!(is_cms_path("/cms"));
        assert!(is_cms_path("/cms/orders/7"));
        assert!(!is_cms_path("/cmsinfo"), "a content page's slug");
        assert!(!is_cms_path("/"));
        assert!(!is_cms_path("/en/cms"), "callers strip the language first");
    }
}
