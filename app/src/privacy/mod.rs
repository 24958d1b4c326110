//! AVG-14/15: how long personal data is kept, as plain rules shared by the
//! retention sweep (server), its dry-run preview in the CMS and the tests;
//! the privacy statement's text (`text`); and the pages of a privacy request
//! without an account (`request`: `/privacy/request`).

pub mod api;
pub mod models;
mod request;
pub mod request_text;
pub mod rules;
pub mod text;

pub use request::{PrivacyRequestConfirmPage, PrivacyRequestErasedPage, PrivacyRequestPage};
