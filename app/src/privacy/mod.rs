//! AVG-14/15: how long personal data is kept, as plain rules shared by the
//! retention sweep (server), its dry-run preview in the CMS and the tests;
//! and the privacy statement's text (`text`).

pub mod models;
pub mod rules;
pub mod text;
