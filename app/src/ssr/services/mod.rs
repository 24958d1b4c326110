//! Plain async functions over a database connection: the shop's behaviour,
//! kept apart from the thin server functions that call them.

pub mod accounts;
pub mod audit;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod cms_catalog;
pub mod cms_customers;
pub mod cms_orders;
pub mod dashboard;
pub mod jobs;
pub mod newsletter;
pub mod orders;
pub mod pages;
pub mod privacy;
pub mod questions;
pub mod retention;
pub mod security_counts;
pub mod settings;
pub mod staff;
