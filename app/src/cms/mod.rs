//! The CMS for the shop owner and staff (AVG-9, AVG-10, AVG-11, AVG-13).

pub mod api;
pub mod models;
pub mod rules;
