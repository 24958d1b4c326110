//! The command line: `winkel serve` (default), `winkel migrate`, `winkel
//! seed`, `winkel admin`, `winkel customers`, `winkel retention`.

use crate::config::Config;
use crate::error::CliError;
use crate::{db, jobs, schema};
use clap::{Parser, Subcommand};

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
        /// Development: the demo shop and an owner account whose password
        /// is printed once and must be changed at the first login.
        #[arg(long)]
        dev: bool,
        /// Made-up customers, spread over the last 12 years.
        #[arg(long, requires = "orders")]
        customers: Option<u64>,
        /// Orders of those customers.
        #[arg(long, requires = "customers")]
        orders: Option<u64>,
    },
    /// Backups of the database and the uploads (AVG-20).
    Backup {
        #[command(subcommand)]
        command: BackupCommand,
    },
    /// The retention sweep (AVG-14/15): delete and anonymise what is past
    /// the term set in the CMS.
    Retention {
        #[command(subcommand)]
        command: RetentionCommand,
    },
}

#[derive(Debug, Subcommand)]
pub enum RetentionCommand {
    /// Run the sweep now (the server also runs it nightly).
    Run {
        /// Report what would be deleted and anonymised; change nothing.
        #[arg(long)]
        dry_run: bool,
        /// Sweep as if today were this date (YYYY-MM-DD).
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<chrono::NaiveDate>,
        /// Print the report as JSON on standard output, with the ids.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum BackupCommand {
    /// Take a backup now, verify it and remove the oldest beyond the kept
    /// count (the server also takes one nightly).
    Create,
    /// The backups in WINKEL_BACKUP_DIR, oldest first: name, size.
    List,
    /// Read a backup completely and check every checksum.
    Verify {
        /// A name from `winkel backup list`, or a path.
        name: String,
    },
    /// Restore a backup into an empty database, or over this one with --yes.
    /// Erasures made after the backup are applied again.
    Restore {
        /// A name from `winkel backup list`, or a path.
        name: String,
        /// Restore into this database instead of DATABASE_URL.
        #[arg(long, value_name = "DATABASE_URL")]
        into: Option<String>,
        /// Replace the data of a database that is not empty.
        #[arg(long)]
        yes: bool,
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
    /// Remove the second factor of a CMS account (an owner who lost both
    /// phone and recovery codes); ends its sessions, and is audited.
    ResetSecondFactor {
        #[arg(long)]
        email: String,
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
    let command = cli.command.unwrap_or(Command::Serve);
    let serving = matches!(command, Command::Serve);
    let result = run_command(&config, command).await;
    if !serving {
        retire_kept_sessions(&config).await;
    }
    result
}

/// A command may have changed what instances serving the same database
/// keep of their sessions (a restore, a seed, an import): it moves the
/// session generation they check (`app::ssr::session_cache`) when it ends,
/// whatever it did.
async fn retire_kept_sessions(config: &Config) {
    use app::ssr::session_cache::Generation;
    let generation = match db::backend_of(&config.database_url) {
        Ok(sea_orm::DatabaseBackend::Sqlite) => {
            match <sea_orm::sqlx::sqlite::SqliteConnectOptions as std::str::FromStr>::from_str(
                &config.database_url,
            ) {
                Ok(options) => match Generation::existing_for_sqlite_file(options.get_filename()) {
                    Some(generation) => generation,
                    None => return,
                },
                Err(_) => return,
            }
        }
        _ => match &config.redis_url {
            Some(url) => match app::ssr::shared_store::SharedStore::connect(url).await {
                Ok(store) => Generation::redis(store),
                Err(error) => {
                    tracing::warn!(%error, "the instances' kept sessions could not be retired");
                    return;
                }
            },
            None => return,
        },
    };
    generation.bump().await;
}

async fn run_command(config: &Config, command: Command) -> Result<(), CliError> {
    match command {
        Command::Serve => crate::serve::serve(config).await,
        Command::Migrate => {
            let db = db::connect(&config.database_url).await?;
            let applied = schema::migrate(&db).await?;
            eprintln!(
                "database is up to date ({}; {applied} migration(s) applied now)",
                migrations::latest_version()
            );
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
            schema::migrate(&db).await?;
            let id = app::ssr::services::staff::create(
                &db,
                &app::ssr::services::staff::NewStaff {
                    email: &email,
                    initial_password: password,
                    is_owner: true,
                    rights: &[],
                    must_change_password: false,
                },
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
        Command::Admin {
            command: AdminCommand::ResetSecondFactor { email },
        } => {
            let db = db::connect(&config.database_url).await?;
            schema::migrate(&db).await?;
            let id = app::ssr::services::second_factor::reset_from_command_line(&db, &email)
                .await
                .map_err(|e| match e {
                    app::error::AppError::NotFound => CliError::Job(format!(
                        "no staff account for {}",
                        email.trim().to_lowercase()
                    )),
                    e => CliError::Job(describe(&e)),
                })?;
            eprintln!(
                "removed the second factor of account #{id}; it logs in with its password and sets up a new one under Beveiliging"
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
            schema::migrate(&db).await?;
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
        Command::Seed {
            demo,
            dev,
            customers,
            orders,
        } => {
            if !demo && !dev && customers.is_none() {
                return Err(CliError::Config(
                    "say what to seed: winkel seed --demo, --dev, or --customers N --orders M"
                        .into(),
                ));
            }
            let db = db::connect(&config.database_url).await?;
            schema::migrate(&db).await?;
            if demo {
                jobs::seed::demo(&db, &config.uploads_dir).await?;
            }
            if dev {
                jobs::dev_seed::run(&db, &config.uploads_dir).await?;
            }
            if let (Some(customers), Some(orders)) = (customers, orders) {
                jobs::population::population(&db, customers, orders).await?;
            }
            Ok(())
        }
        Command::Backup { command } => backup(config, command).await,
        Command::Retention {
            command:
                RetentionCommand::Run {
                    dry_run,
                    as_of,
                    json,
                },
        } => {
            let db = db::connect(&config.database_url).await?;
            schema::migrate(&db).await?;
            jobs::retention::run_cli(&db, dry_run, as_of, json).await
        }
    }
}

async fn backup(config: &Config, command: BackupCommand) -> Result<(), CliError> {
    use jobs::backup;
    let settings = config.backup();
    match command {
        BackupCommand::Create => {
            let db = db::connect(&config.database_url).await?;
            schema::migrate(&db).await?;
            backup::create_cli(&db, &settings).await
        }
        BackupCommand::List => {
            for listed in backup::list(&settings.dir)? {
                println!("{}\t{}", listed.name, backup::human_size(listed.size));
            }
            Ok(())
        }
        BackupCommand::Verify { name } => {
            let path = settings.resolve(&name);
            let identity = settings.age_identity.clone();
            let manifest = tokio::task::spawn_blocking(move || {
                backup::read::verify_file(&path, identity.as_deref())
            })
            .await
            .map_err(|e| CliError::Job(e.to_string()))??;
            let rows: u64 = manifest.tables.iter().map(|t| t.rows).sum();
            eprintln!(
                "{name}: verified: {} tables, {rows} rows, {} files, schema {}, taken {} UTC",
                manifest.tables.len(),
                manifest.files.len(),
                manifest.migration_version,
                manifest.created_at
            );
            Ok(())
        }
        BackupCommand::Restore { name, into, yes } => {
            let path = settings.resolve(&name);
            if !path.is_file() {
                return Err(CliError::Job(format!(
                    "no backup {name} (see winkel backup list)"
                )));
            }
            // Restoring --into another database: the erasures of the shop's
            // own database (DATABASE_URL) must survive there too, so it is
            // read when reachable. Unreachable, only the target's and the
            // backup's own tombstones count, and we say so.
            let (target, sources) = match &into {
                Some(url) => {
                    let target = db::connect(url).await?;
                    let sources = match db::connect(&config.database_url).await {
                        Ok(source) => vec![source],
                        Err(error) => {
                            eprintln!(
                                "warning: DATABASE_URL is unreachable ({error}); erasures made there after the backup are not replayed"
                            );
                            Vec::new()
                        }
                    };
                    (target, sources)
                }
                None => (db::connect(&config.database_url).await?, Vec::new()),
            };
            let options = backup::RestoreOptions {
                yes,
                uploads_dir: config.uploads_dir.clone(),
                age_identity: settings.age_identity.clone(),
                show_progress: true,
            };
            let report = backup::restore(&target, &path, &sources, &options).await?;
            eprintln!(
                "restored {name}: {} rows, {} files (schema {}, migrated to {}); {} customers erased again, {} erasures kept, {} newsletter consents withdrawn again",
                report.rows,
                report.files,
                report.migration_version,
                migrations::latest_version(),
                report.erased_again,
                report.tombstones,
                report.withdrawn_again
            );
            Ok(())
        }
    }
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
