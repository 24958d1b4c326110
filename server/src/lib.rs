//! The Winkel server: configuration, database start-up, the HTTP router,
//! serving (`serve`) and the command-line jobs. The binary in `main.rs` only
//! calls [`cli::run`].

pub mod assets;
pub mod cli;
pub mod config;
pub mod connections;
pub mod db;
pub mod error;
pub mod http;
pub mod jobs;
pub mod logging;
pub mod monitoring;
pub mod schema;
pub mod security;
pub mod serve;
pub mod tls;
