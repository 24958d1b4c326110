//! Long-running command-line jobs. Each shows progress on a terminal and
//! leaves the database consistent when interrupted.

pub mod backup;
pub mod dev_seed;
pub mod import;
pub mod monitor;
pub mod newsletter;
pub mod outbox;
pub mod population;
pub mod progress;
pub mod retention;
pub mod scheduler;
pub mod seed;
pub mod seed_bookings;
pub mod stock_alerts;
