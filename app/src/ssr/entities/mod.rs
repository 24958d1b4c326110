//! SeaORM entities, one per table of `migrations/`. Server-only.
//!
//! Row types that hold a password hash (`customer`, `staff`) are deliberately
//! not `Serialize`: they cannot be sent to the browser by accident.

pub mod audit_log;
pub mod audit_subject;
pub mod bookable_item;
pub mod booking;
pub mod booking_closure;
pub mod booking_date;
pub mod booking_hour;
pub mod booking_slot;
pub mod category;
pub mod consent_withdrawal;
pub mod customer;
pub mod erasure;
pub mod invoice;
pub mod invoice_counter;
pub mod job_lease;
pub mod job_run;
pub mod order;
pub mod order_line;
pub mod outbox;
pub mod page;
pub mod privacy_request;
pub mod product;
pub mod question;
pub mod security_count;
pub mod session;
pub mod setting;
pub mod shipping_zone;
pub mod staff;
pub mod staff_recovery_code;
pub mod staff_right;
pub mod warning_mail;
