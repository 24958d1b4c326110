//! Errors of the command line and start-up, each printed as one line.

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("DATABASE_URL is not valid: {0}")]
    BadDatabaseUrl(String),
    #[error("cannot reach the database: {0}")]
    Unreachable(String),
    #[error("migrating the database failed: {0}")]
    Migration(String),
    /// The database's schema is not the one this binary serves.
    #[error("{0}")]
    Schema(String),
    #[error("configuration error: {0}")]
    Config(String),
    #[error("cannot listen on {addr}: {reason}")]
    Listen { addr: String, reason: String },
    #[error("HTTPS: {0}")]
    Tls(#[from] crate::tls::TlsError),
    #[error("database error: {0}")]
    Database(#[from] sea_orm::DbErr),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Job(String),
    /// A failure of the shop's own code; database errors are logged in
    /// full before they become this.
    #[error("{0}")]
    App(#[from] app::error::AppError),
}
