//! A review rule as a test: no transaction waits on a password hash, a
//! mail or the network (issue 12, item 3). A transaction held open while a
//! hash runs (~0.1 s of a core) or a mail server answers blocks every other
//! write on SQLite, and holds row locks on MariaDB; a few such requests at
//! once stall the shop.
//!
//! The rule reads our sources: from a line that opens a transaction to the
//! line that commits or rolls it back (or the next function), none of the
//! calls that wait may appear. It first proves it catches the checkout that
//! hashed inside its transaction.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// Calls that open a transaction.
const OPENS: &[&str] = &[".begin().await", "begin_write(", ".begin_with_options("];
/// Calls that end it.
const ENDS: &[&str] = &[".commit().await", ".rollback().await", "settle(txn"];
/// Calls that wait on something slow that is not the database.
const WAITS: &[&str] = &[
    "hash_async(",
    "verify_async(",
    "password::hash(",
    ".send(&",
    "mailer.send",
    "spawn_blocking(",
    "reqwest",
    "TcpStream",
];

/// Each transaction that waits: (line number, the waiting line).
fn waiting_transactions(source: &str) -> Vec<(usize, String)> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let is_definition = line.trim_start().starts_with("pub async fn begin_write");
        if !is_definition && OPENS.iter().any(|o| line.contains(o)) {
            let mut j = i + 1;
            while j < lines.len() {
                let inner = lines[j];
                let trimmed = inner.trim_start();
                if ENDS.iter().any(|e| inner.contains(e))
                    || trimmed.starts_with("fn ")
                    || trimmed.starts_with("pub fn ")
                    || trimmed.starts_with("async fn ")
                    || trimmed.starts_with("pub async fn ")
                {
                    break;
                }
                if !trimmed.starts_with("//") && WAITS.iter().any(|w| inner.contains(w)) {
                    found.push((j + 1, inner.trim().to_owned()));
                }
                j += 1;
            }
            i = j;
        }
        i += 1;
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_rule_catches_a_hash_inside_a_transaction() {
    let old_checkout = r#"
pub async fn place_order(db: &DatabaseConnection) -> Result<(), AppError> {
    let txn = db
        .begin_with_options(TransactionOptions::default())
        .await?;
    // Hash outside the transaction: it takes a tenth of a second.
    let password_hash = Some(crate::ssr::password::hash_async(password.clone()).await?);
    write_order(&txn, password_hash).await?;
    txn.commit().await?;
}
"#;
    let found = waiting_transactions(old_checkout);
    assert_eq!(found.len(), 1, "{found:?}");
    let fine = r#"
    let hash = password::hash_async(password).await?;
    let txn = db.begin().await?;
    insert(&txn, hash).await?;
    txn.commit().await?;
    mailer.send(&mail).await?;
"#;
    assert_eq!(waiting_transactions(fine), Vec::new());
}

#[test]
fn no_transaction_waits_on_a_hash_a_mail_or_the_network() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["app/src", "server/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 50, "the sources were found: {}", files.len());
    let mut offences = Vec::new();
    for file in &files {
        let source = std::fs::read_to_string(file).unwrap();
        for (line, text) in waiting_transactions(&source) {
            offences.push(format!("{}:{line}: {text}", file.display()));
        }
    }
    assert!(
        offences.is_empty(),
        "a transaction waits on something slow:\n{}",
        offences.join("\n")
    );
}
