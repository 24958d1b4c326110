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
    /// Manage CMS staff accounts.
    Admin {
        #[command(subcommand)]
        command: AdminCommand,
    },
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
pub enum AdminCommand {
    /// Create the shop owner's CMS account (all rights).
    Create {
        #[arg(long)]
        email: String,
        /// Read the password from standard input (one line), so that it
        /// never appears in the shell history or the process list.
        #[arg(long, required = true)]
        password_stdin: bool,
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
        Command::Admin {
            command:
                AdminCommand::Create {
                    email,
                    password_stdin: _,
                },
        } => {
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let db = db::connect(&config.database_url).await?;
            db::migrate(&db).await?;
            let id = app::ssr::services::staff::create(
                &db,
                &email,
                password,
                true,
                &[],
                false,
                app::ssr::now_utc(),
            )
            .await
            .map_err(|e| match e.fields().and_then(|f| f.get("email")) {
                Some(app::validate::FieldError::EmailUnavailable) => CliError::Job(format!(
                    "a staff account for {} exists already",
                    email.trim().to_lowercase()
                )),
                _ => CliError::Job(describe(&e)),
            })?;
            eprintln!(
                "created owner account #{id} for {}; log in at /cms/login",
                email.trim().to_lowercase()
            );
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
    let server_config = ServerConfig {
        cms_idle: config.cms_idle,
        database_url: config.database_url.clone(),
        form_limit: config.form_limit,
        form_window: config.form_window,
        trust_proxy: config.trust_proxy,
        metrics_token: config.metrics_token.clone(),
        ..ServerConfig::new(config.uploads_dir.clone())
    };
    let (router, state) = http::router_and_state(options, db, server_config);
    // AVG-18: the security counts go to the database every few minutes, so
    // that the dashboard can compare an hour with the week before.
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(5 * 60));
        loop {
            tick.tick().await;
            let now = app::ssr::now_utc();
            if let Err(error) =
                app::ssr::services::security_counts::flush(&state.db, &state.metrics, now).await
            {
                tracing::warn!(%error, "saving the security counts failed");
            }
        }
    });
    tracing::info!("Winkel serves on http://{addr}");
    http::serve(router, addr).await
}

/// An application error as one line for the terminal, field by field.
fn describe(error: &app::error::AppError) -> String {
    match error.fields() {
        Some(fields) => fields
            .0
            .iter()
            .map(|f| format!("{}: {}", f.field, app::i18n::field_message(&f.error)))
            .collect::<Vec<_>>()
            .join("; "),
        None => error.user_message(),
    }
}
