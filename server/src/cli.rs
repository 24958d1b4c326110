//! The command line: `winkel serve` (default), `winkel migrate`,
//! `winkel seed --demo`.

use crate::config::Config;
use crate::error::CliError;
use crate::{db, http, jobs};
use app::ssr::session_store::DbSessionStore;
use app::ssr::state::ServerConfig;
use clap::{Parser, Subcommand};
use std::time::Duration;

#[derive(Debug, Parser)]
#[command(
    name = "winkel",
    version,
    about = "Winkel: a webshop with its privacy measures in code"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Migrate the database and serve the shop (the default).
    Serve,
    /// Apply pending database migrations and exit.
    Migrate,
    /// Manage customers.
    Customers {
        #[command(subcommand)]
        command: CustomersCommand,
    },
    /// Fill the database with data.
    Seed {
        /// A small demo shop: categories, products and their images.
        #[arg(long)]
        demo: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Import customers from a CSV file (see docs/import-format.md).
    Import {
        /// The CSV file, with a header row.
        file: std::path::PathBuf,
    },
}

pub async fn run() -> Result<(), CliError> {
    let cli = Cli::parse();
    let config = Config::from_env()?;
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => serve(&config).await,
        Command::Migrate => {
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            eprintln!("database is up to date ({})", migrations::latest_version());
            Ok(())
        }
        Command::Customers {
            command: CustomersCommand::Import { file },
        } => {
            let text = std::fs::read(&file)
                .map_err(|e| CliError::Job(format!("cannot read {}: {e}", file.display())))?;
            let lines = text
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1) as u64;
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            let report =
                jobs::import::import_customers(&db, text.as_slice(), app::ssr::now_utc(), lines)
                    .await?;
            for (line, reason) in &report.refused {
                eprintln!("line {line}: {reason}");
            }
            eprintln!(
                "imported {} customers, refused {} lines",
                report.imported,
                report.refused.len()
            );
            if report.refused.is_empty() {
                Ok(())
            } else {
                Err(CliError::Job(format!(
                    "{} lines were refused (listed above)",
                    report.refused.len()
                )))
            }
        }
        Command::Seed { demo } => {
            if !demo {
                return Err(CliError::Config(
                    "say what to seed: winkel seed --demo".into(),
                ));
            }
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            jobs::seed::demo(&db, &config.uploads_dir).await
        }
    }
}

async fn serve(config: &Config) -> Result<(), CliError> {
    let options = config.leptos_options()?;
    let db = db::connect(&config.database_url).await?;
    db::migrate(&db).await?;

    // Expired sessions are removed hourly.
    let store = DbSessionStore::new(db.clone());
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            if let Err(error) = store.delete_expired().await {
                tracing::warn!(%error, "removing expired sessions failed");
            }
        }
    });

    let addr = options.site_addr;
    let router = http::router(
        options,
        db,
        ServerConfig {
            uploads_dir: config.uploads_dir.clone(),
        },
        false,
    );
    tracing::info!("Winkel serves on http://{addr}");
    http::serve(router, addr).await
}
