//! AVG-19, code injection: no SQL is built from strings. Every query goes
//! through SeaORM's builders with bound values; where raw SQL is needed
//! (SQLite pragmas, MariaDB's migration lock), it is a string literal or a
//! constant. This test reads our sources and fails on any raw-SQL entry
//! point whose SQL argument is anything else (`format!`, a variable, a
//! concatenation): such code could splice user input into a query.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use std::path::{Path, PathBuf};

/// The raw-SQL entry points and which argument (0-based) holds the SQL.
const RAW_SQL_CALLS: &[(&str, usize)] = &[
    ("execute_unprepared(", 0),
    ("Statement::from_string(", 1),
    ("Statement::from_sql_and_values(", 1),
    ("Expr::cust(", 0),
    ("Expr::cust_with_values(", 0),
    ("Expr::cust_with_exprs(", 0),
    ("Expr::cust_with_expr(", 0),
    ("sqlx::query(", 0),
    ("sqlx::query_as(", 0),
    ("sqlx::query_scalar(", 0),
    ("raw_sql(", 0),
];

/// Places allowed to build SQL from something other than a literal, each
/// with its reason: (file suffix, line content, reason).
const BACKUP_IDENTIFIERS: &str = "the backup reads and writes every table generically: \
     table and column names come from the database's own catalog and are quoted by \
     backup::quote; every value is bound";
const ALLOWED: &[(&str, &str, &str)] = &[
    (
        "server/src/jobs/backup/create/dump.rs",
        "SELECT {columns} FROM {from}",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/create/dump.rs",
        "SELECT COUNT(*) FROM",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/restore.rs",
        "DELETE FROM {}",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/restore.rs",
        "SELECT 1 FROM {}",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/restore.rs",
        "from_sql_and_values(… sql",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/mod.rs",
        "from_sql_and_values(… sql",
        BACKUP_IDENTIFIERS,
    ),
    (
        "server/src/jobs/backup/restore.rs",
        "… defer",
        "one of two constant statements, chosen by the database backend",
    ),
];

/// The top-level arguments of the call whose `(` is at `open`.
fn arguments(text: &str, open: usize) -> Vec<String> {
    let mut args = Vec::new();
    let mut depth = 0usize;
    let mut current = String::new();
    let mut in_string = false;
    let mut escaped = false;
    for c in text[open..].chars() {
        if in_string {
            current.push(c);
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                current.push(c);
            }
            '(' | '[' | '{' => {
                depth += 1;
                if depth > 1 {
                    current.push(c);
                }
            }
            ')' | ']' | '}' => {
                depth -= 1;
                if depth == 0 {
                    args.push(current.trim().to_owned());
                    return args;
                }
                current.push(c);
            }
            ',' if depth == 1 => {
                args.push(current.trim().to_owned());
                current.clear();
            }
            _ => current.push(c),
        }
    }
    args
}

/// A string literal, or a SCREAMING_CASE constant (possibly with a path).
fn is_constant_sql(arg: &str) -> bool {
    let literal = arg.starts_with('"') && arg.ends_with('"') && arg.matches('"').count() == 2
        || arg.starts_with("r\"")
        || arg.starts_with("r#\"");
    let last = arg.rsplit("::").next().unwrap_or(arg);
    let constant = !last.is_empty()
        && last
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
        && last.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    literal || constant
}

/// Every raw-SQL call in `text` whose SQL is not constant, as
/// `line: call`.
fn string_built_sql(text: &str) -> Vec<(usize, String)> {
    let mut found = Vec::new();
    for (call, index) in RAW_SQL_CALLS {
        for (at, _) in text.match_indices(call) {
            // `foo.execute_unprepared(` but not `my_execute_unprepared(`.
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let open = at + call.len() - 1;
            let args = arguments(text, open);
            let sql = args.get(*index).cloned().unwrap_or_default();
            if !is_constant_sql(&sql) {
                let line = text[..at].matches('\n').count() + 1;
                found.push((line, format!("{call}… {sql}")));
            }
        }
    }
    found
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn the_rule_catches_string_built_sql() {
    let bad = r#"
        db.execute_unprepared(&format!("DELETE FROM t WHERE id = {id}")).await?;
        db.query_all_raw(Statement::from_string(backend, sql)).await?;
        Expr::cust(format!("name = '{name}'"));
        db.execute_unprepared(&("DROP TABLE ".to_owned() + table)).await?;
    "#;
    assert_eq!(
        string_built_sql(bad).len(),
        4,
        "{:?}",
        string_built_sql(bad)
    );
    let good = r#"
        db.execute_unprepared("PRAGMA journal_mode=WAL;").await?;
        db.query_one_raw(Statement::from_string(DatabaseBackend::MySql, "SELECT GET_LOCK('x', 1) AS got")).await?;
        db.query_all_raw(Statement::from_sql_and_values(backend, QUERY, [id.into()])).await?;
        Expr::cust("1 = 1");
    "#;
    assert_eq!(string_built_sql(good), Vec::new());
}

#[test]
fn no_sql_is_built_from_strings() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    for dir in ["app/src", "server/src", "migrations/src"] {
        rust_files(&root.join(dir), &mut files);
    }
    assert!(files.len() > 40, "the sources were found: {}", files.len());
    let mut violations = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (line, call) in string_built_sql(&text) {
            let shown = file
                .strip_prefix(&root)
                .unwrap_or(&file)
                .display()
                .to_string();
            let allowed = ALLOWED.iter().any(|(suffix, content, _reason)| {
                shown.ends_with(suffix) && call.contains(content)
            });
            if !allowed {
                violations.push(format!("{shown}:{line}: {call}"));
            }
        }
    }
    assert!(
        violations.is_empty(),
        "SQL built from strings (use SeaORM's builders and bound values):\n{}",
        violations.join("\n")
    );
}
