//! `winkel customers import FILE.csv`: customers from the old system.
//!
//! Columns (header row required, any order, unknown columns refused):
//! the AVG-4 fields by their form names (`email`, `first_name`, ...,
//! `delivery_country`, `newsletter` = yes/no), optionally `created_at`
//! (YYYY-MM-DD, the date added), `password_hash`: the old system's hex
//! `sha512(password ‖ email)`, replaced by PBKDF2 at the customer's first
//! login, and `last_login` (YYYY-MM-DD, an account's last login there, so
//! that an active customer is not erased by the next retention sweep). Every line is validated like a form; a bad line is reported with
//! its number and skipped, never stopping or corrupting the rest. Valid
//! lines are written in batches, each batch in one transaction.

use super::progress::bar;
use crate::error::CliError;
use app::customer::{CustomerInput, CustomerKind, NewsletterState};
use app::i18n::field_message;
use app::ssr::entities::customer;
use app::ssr::services::accounts::{account_by_email, new_customer};
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait, TransactionTrait};
use std::collections::{HashMap, HashSet};
use std::io::Read;

const BATCH: usize = 500;

const COLUMNS: [&str; 23] = [
    "email",
    "first_name",
    "last_name",
    "gender",
    "phone",
    "phone2",
    "company_name",
    "vat_number",
    "street",
    "house_number",
    "postcode",
    "city",
    "country",
    "delivery_street",
    "delivery_house_number",
    "delivery_postcode",
    "delivery_city",
    "delivery_country",
    "newsletter",
    "created_at",
    "password_hash",
    "last_login",
    "kind",
];

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    /// (line number in the file, reason)
    pub refused: Vec<(u64, String)>,
}

fn is_legacy_hash(hash: &str) -> bool {
    hash.len() == 128 && hash.bytes().all(|b| b.is_ascii_hexdigit())
}

/// A `YYYY-MM-DD` column (`column` names it in the message); empty: none.
fn parse_date(column: &str, value: &str) -> Result<Option<NaiveDateTime>, String> {
    if value.trim().is_empty() {
        return Ok(None);
    }
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(Some)
        .ok_or_else(|| format!("{column}: expected YYYY-MM-DD, got {value:?}"))
}

/// One line turned into a row, or the reason it was refused.
fn row_of(
    record: &HashMap<&str, &str>,
    now: NaiveDateTime,
) -> Result<(customer::ActiveModel, Option<String>), String> {
    let get = |name: &str| {
        record
            .get(name)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    };
    let newsletter = get("newsletter").map(|v| v.to_lowercase());
    let wants_newsletter = match newsletter.as_deref() {
        None | Some("no" | "nee" | "0" | "false") => None,
        Some("yes" | "ja" | "1" | "true") => Some("on".to_owned()),
        Some(other) => return Err(format!("newsletter: expected yes or no, got {other:?}")),
    };
    let input = CustomerInput {
        email: get("email"),
        first_name: get("first_name"),
        last_name: get("last_name"),
        gender: get("gender"),
        street: get("street"),
        house_number: get("house_number"),
        postcode: get("postcode"),
        city: get("city"),
        country: get("country"),
        phone: get("phone"),
        phone2: get("phone2"),
        company_name: get("company_name"),
        vat_number: get("vat_number"),
        newsletter: wants_newsletter,
        delivery_street: get("delivery_street"),
        delivery_house_number: get("delivery_house_number"),
        delivery_postcode: get("delivery_postcode"),
        delivery_city: get("delivery_city"),
        delivery_country: get("delivery_country"),
    };
    let data = input.validate().map_err(|errors| {
        errors
            .0
            .iter()
            .map(|f| format!("{}: {}", f.field, field_message(&f.error)))
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let hash = match get("password_hash") {
        None => None,
        Some(h) if is_legacy_hash(&h) => Some(h.to_ascii_lowercase()),
        Some(_) => {
            return Err(
                "password_hash: expected 128 hex characters (sha512 of password and email)".into(),
            )
        }
    };
    let created_at =
        parse_date("created_at", &get("created_at").unwrap_or_default())?.unwrap_or(now);
    // Retention counts an account's term from its last login (AVG-14): an
    // active customer of the old system keeps that date.
    let last_login = parse_date("last_login", &get("last_login").unwrap_or_default())?;
    match last_login {
        Some(_) if hash.is_none() => {
            return Err("last_login: only an account (with a password_hash) logs in".into())
        }
        Some(at) if at > now => return Err("last_login: a date in the future".into()),
        Some(at) if at < created_at => {
            return Err("last_login: before the customer was created (created_at)".into())
        }
        _ => {}
    }
    let kind = match get("kind").as_deref() {
        None | Some("customer") => CustomerKind::Customer,
        Some("prospect") => CustomerKind::Prospect,
        Some(other) => {
            return Err(format!(
                "kind: expected customer or prospect, got {other:?}"
            ))
        }
    };
    let mut row = new_customer(&data, hash.clone(), now);
    row.created_at = Set(created_at);
    row.last_login_at = Set(last_login);
    row.kind = Set(kind);
    // A subscription from the old system counts as confirmed there.
    if data.newsletter {
        row.newsletter = Set(NewsletterState::Subscribed);
        row.newsletter_consent_at = Set(Some(created_at));
    }
    Ok((row, hash.map(|_| data.email)))
}

async fn write_batch(
    db: &DatabaseConnection,
    batch: &mut Vec<(u64, customer::ActiveModel)>,
    report: &mut ImportReport,
) -> Result<(), CliError> {
    if batch.is_empty() {
        return Ok(());
    }
    let txn = db.begin().await?;
    let rows: Vec<customer::ActiveModel> = batch.iter().map(|(_, r)| r.clone()).collect();
    match customer::Entity::insert_many(rows).exec(&txn).await {
        Ok(_) => {
            txn.commit().await?;
            report.imported += batch.len();
        }
        Err(error) => {
            // Fall back to one row at a time, so only the bad row is lost.
            txn.rollback().await?;
            for (line, row) in batch.iter() {
                match customer::Entity::insert(row.clone()).exec(db).await {
                    Ok(_) => report.imported += 1,
                    Err(e) => report
                        .refused
                        .push((*line, format!("database refused the row: {e}"))),
                }
            }
            tracing::warn!(%error, "a batch failed; rows were retried one by one");
        }
    }
    batch.clear();
    Ok(())
}

/// Imports customers from CSV. Returns what was imported and refused.
pub async fn import_customers(
    db: &DatabaseConnection,
    input: impl Read,
    now: NaiveDateTime,
    total_lines: u64,
) -> Result<ImportReport, CliError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(input);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| CliError::Job(format!("cannot read the header row: {e}")))?
        .iter()
        .map(str::to_lowercase)
        .collect();
    if let Some(unknown) = headers.iter().find(|h| !COLUMNS.contains(&h.as_str())) {
        return Err(CliError::Job(format!(
            "unknown column {unknown:?}; known columns: {}",
            COLUMNS.join(", ")
        )));
    }
    if !headers.iter().any(|h| h == "email") {
        return Err(CliError::Job("the header row has no email column".into()));
    }

    let progress = bar(total_lines, "customers");
    let mut report = ImportReport::default();
    let mut batch = Vec::with_capacity(BATCH);
    let mut account_emails = HashSet::new();
    let mut records = reader.records();
    loop {
        // Lines as an editor numbers them, not records: a quoted field may
        // span lines, and a lone carriage return ends a record without
        // starting a line. (After empty lines, the first of them.)
        let start = records.reader().position().line();
        let Some(record) = records.next() else { break };
        progress.inc(1);
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map_or(start, csv::Position::line);
                report.refused.push((line, format!("unreadable line: {e}")));
                continue;
            }
        };
        let line = record.position().map_or(start, csv::Position::line);
        let fields: HashMap<&str, &str> = headers
            .iter()
            .map(String::as_str)
            .zip(record.iter())
            .collect();
        let (row, account_email) = match row_of(&fields, now) {
            Ok(r) => r,
            Err(reason) => {
                report.refused.push((line, reason));
                continue;
            }
        };
        // One account per email, in the file and in the database.
        if let Some(email) = account_email {
            if !account_emails.insert(email.clone())
                || account_by_email(db, &email)
                    .await
                    .map_err(|e| CliError::Job(e.to_string()))?
                    .is_some()
            {
                report.refused.push((
                    line,
                    format!("email: an account for {email} exists already"),
                ));
                continue;
            }
        }
        batch.push((line, row));
        if batch.len() == BATCH {
            write_batch(db, &mut batch, &mut report).await?;
        }
    }
    write_batch(db, &mut batch, &mut report).await?;
    progress.finish_and_clear();
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(pairs: &[(&'static str, &'static str)]) -> HashMap<&'static str, &'static str> {
        pairs.iter().copied().collect()
    }

    fn good() -> Vec<(&'static str, &'static str)> {
        vec![
            ("email", "Els@Example.nl"),
            ("first_name", "Els"),
            ("last_name", "de Vries"),
            ("street", "Markt"),
            ("house_number", "1"),
            ("postcode", "5611 EB"),
            ("city", "Eindhoven"),
            ("country", "NL"),
            ("phone", "040-1234567"),
        ]
    }

    #[test]
    fn a_good_line_becomes_a_row() {
        let now = NaiveDateTime::default();
        let mut pairs = good();
        pairs.push(("created_at", "2019-03-01"));
        pairs.push(("newsletter", "ja"));
        let (row, account) = row_of(&line(&pairs), now).expect("valid");
        assert_eq!(account, None, "no hash: a guest record");
        assert_eq!(row.email.clone().unwrap(), "els@example.nl");
        assert_eq!(row.newsletter.clone().unwrap(), NewsletterState::Subscribed);
        assert_eq!(
            row.created_at.clone().unwrap().date(),
            NaiveDate::from_ymd_opt(2019, 3, 1).unwrap()
        );
    }

    #[test]
    fn bad_lines_say_why() {
        let now = NaiveDateTime::default();
        let mut bad_postcode = good();
        bad_postcode[5] = ("postcode", "ABC");
        assert!(row_of(&line(&bad_postcode), now)
            .unwrap_err()
            .starts_with("postcode:"));
        let mut bad_hash = good();
        bad_hash.push(("password_hash", "abc"));
        assert!(row_of(&line(&bad_hash), now)
            .unwrap_err()
            .starts_with("password_hash:"));
        let mut bad_date = good();
        bad_date.push(("created_at", "01-03-2019"));
        assert!(row_of(&line(&bad_date), now)
            .unwrap_err()
            .starts_with("created_at:"));
    }

    #[test]
    fn an_account_keeps_its_last_login() {
        let now = NaiveDate::from_ymd_opt(2026, 12, 5)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap();
        // `line` takes 'static text, as the file's fields would be.
        let hash: &'static str = Box::leak("a".repeat(128).into_boxed_str());
        let mut pairs = good();
        pairs.push(("created_at", "2015-01-01"));
        pairs.push(("password_hash", hash));
        pairs.push(("last_login", "2026-11-30"));
        let (row, _) = row_of(&line(&pairs), now).expect("valid");
        assert_eq!(
            row.last_login_at.clone().unwrap().map(|at| at.date()),
            NaiveDate::from_ymd_opt(2026, 11, 30)
        );
        let refused = |last_login: &'static str, with_hash: bool| {
            let mut pairs = good();
            pairs.push(("created_at", "2015-01-01"));
            if with_hash {
                pairs.push(("password_hash", hash));
            }
            pairs.push(("last_login", last_login));
            row_of(&line(&pairs), now).unwrap_err()
        };
        assert!(refused("2026-11-30", false).contains("only an account"));
        assert!(refused("2027-01-01", true).contains("future"));
        assert!(refused("2014-12-31", true).contains("before the customer was created"));
        assert!(refused("30-11-2026", true).starts_with("last_login: expected YYYY-MM-DD"));
    }
}
