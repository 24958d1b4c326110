//! The backup file, its name and the rotation choice: the pure parts.
//!
//! A backup is ONE zstd stream (with zstd's own frame checksum) of our own
//! framed text format, rather than a tar archive or an SQL dump:
//! - portable: values are encoded by column kind (integers, booleans, text,
//!   datetimes as `YYYY-MM-DD HH:MM:SS[.f]`, blobs as base64), so a SQLite
//!   backup restores into MariaDB and back;
//! - streaming: one JSON line per row, written as the rows come, so a shop
//!   with a million customers never sits in memory; `zstd -dc` shows it;
//! - checked: every table section ends with its row count and the SHA-256 of
//!   its lines, every file carries its SHA-256, and the manifest (the last
//!   line, because the checksums are only known once everything is written)
//!   repeats them all with the migration version. A file without its
//!   manifest is truncated; one whose sums differ is corrupt.
//!
//! Layout, line by line:
//! ```text
//! {"record":"header","format":1,"migration_version":"m…","created_at":"…"}
//! {"record":"table","name":"categories","columns":[{"name":"id","kind":"int"},…]}
//! [1,"Thee","thee",0]                       one JSON array per row
//! {"record":"table_end","rows":1,"sha256":"…"}
//! {"record":"file","path":"products/1.jpg","size":1234}
//! <exactly `size` raw bytes>\n
//! {"record":"manifest",…}
//! ```

use base64::Engine;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};

/// Version of this layout; a reader refuses a newer one.
pub const FORMAT: u32 = 1;

/// What every backup's name ends with (after its UTC timestamp).
pub const SUFFIX: &str = ".winkel-backup.zst";

/// Appended to the name of a backup encrypted with age.
pub const ENCRYPTED_SUFFIX: &str = ".age";

/// A file being written carries this prefix until it is complete and
/// verified, so that it never counts as a backup.
pub const TEMP_PREFIX: &str = ".tmp-";

/// Tables that are not backed up, and why:
/// - `seaql_migrations`: the schema version travels in the header; a restore
///   rebuilds the schema with the migrations themselves;
/// - `sessions`: login state, not shop data. Restoring it would bring back
///   sessions that were ended since (a locked staff member's, an erased
///   customer's); everyone simply logs in again after a restore;
/// - `job_leases`: a lease belongs to a process running now;
/// - `privacy_requests`: a mailed link that lives an hour, like a session;
///   a restore ends them all (whoever needs one asks again);
/// - the migration lock (`schema::MIGRATION_LOCK`): held only while an
///   instance migrates;
/// - `cache_generations`: counts changes so that running instances drop
///   their caches; a restore bumps it instead.
pub const NOT_BACKED_UP: [&str; 6] = [
    "seaql_migrations",
    "sessions",
    "job_leases",
    "privacy_requests",
    crate::schema::MIGRATION_LOCK,
    "cache_generations",
];

const DATETIME: &str = "%Y-%m-%d %H:%M:%S%.f";
const DATE: &str = "%Y-%m-%d";

/// How a column's values are encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Int,
    Bool,
    Text,
    DateTime,
    Date,
    Blob,
}

impl Kind {
    /// The kind of a column from its type in the database's catalog
    /// (SQLite's declared type or MariaDB's `DATA_TYPE`). `None` for a type
    /// the backup cannot carry exactly (floating point: none in the schema).
    pub fn of_sql_type(sql_type: &str) -> Option<Kind> {
        let t = sql_type.to_ascii_lowercase();
        if t.starts_with("bool") || t == "tinyint" || t.starts_with("tinyint(1)") {
            Some(Kind::Bool)
        } else if t.contains("int") {
            Some(Kind::Int)
        } else if t.starts_with("datetime") || t.starts_with("timestamp") {
            Some(Kind::DateTime)
        } else if t.starts_with("date") {
            Some(Kind::Date)
        } else if t.contains("char") || t.contains("text") || t.contains("clob") {
            Some(Kind::Text)
        } else if t.contains("blob") || t.contains("binary") {
            Some(Kind::Blob)
        } else {
            None
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Column {
    pub name: String,
    pub kind: Kind,
}

/// A table as the backup sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableDef {
    pub name: String,
    pub columns: Vec<Column>,
    /// Primary key columns, in key order.
    pub primary_key: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableSummary {
    pub name: String,
    pub rows: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FileSummary {
    pub path: String,
    pub size: u64,
    pub sha256: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub migration_version: String,
    /// UTC, `YYYY-MM-DD HH:MM:SS[.f]`: just before the snapshot was taken.
    pub created_at: String,
    pub tables: Vec<TableSummary>,
    pub files: Vec<FileSummary>,
}

impl Manifest {
    pub fn created_at(&self) -> Option<NaiveDateTime> {
        NaiveDateTime::parse_from_str(&self.created_at, DATETIME).ok()
    }
}

/// One line of the file that is not a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    Header {
        format: u32,
        migration_version: String,
        created_at: String,
    },
    Table {
        name: String,
        columns: Vec<Column>,
    },
    TableEnd {
        rows: u64,
        sha256: String,
    },
    File {
        path: String,
        size: u64,
    },
    Manifest(Manifest),
}

pub fn format_datetime(at: NaiveDateTime) -> String {
    at.format(DATETIME).to_string()
}

/// Appends [`format_datetime`]'s text without going through chrono's
/// format-string interpreter, which was a large share of the time taken to
/// encode a million rows. Byte for byte the same (a test compares them);
/// the rare values outside years 0..=9999 or in a leap second take chrono's
/// path.
pub fn push_datetime(out: &mut Vec<u8>, at: NaiveDateTime) {
    use chrono::{Datelike, Timelike};
    let nano = at.nanosecond();
    if !(0..=9999).contains(&at.year()) || nano >= 1_000_000_000 {
        out.extend_from_slice(format_datetime(at).as_bytes());
        return;
    }
    push_date(out, at.date());
    out.push(b' ');
    push_digits(out, at.hour(), 2);
    out.push(b':');
    push_digits(out, at.minute(), 2);
    out.push(b':');
    push_digits(out, at.second(), 2);
    // chrono's `%.f`: nothing for whole seconds, else 3, 6 or 9 digits.
    if nano != 0 {
        out.push(b'.');
        if nano.is_multiple_of(1_000_000) {
            push_digits(out, nano / 1_000_000, 3);
        } else if nano.is_multiple_of(1_000) {
            push_digits(out, nano / 1_000, 6);
        } else {
            push_digits(out, nano, 9);
        }
    }
}

/// Appends `YYYY-MM-DD`, as chrono's `%Y-%m-%d` writes it.
pub fn push_date(out: &mut Vec<u8>, date: NaiveDate) {
    use chrono::Datelike;
    let year = date.year();
    if !(0..=9999).contains(&year) {
        out.extend_from_slice(date.format(DATE).to_string().as_bytes());
        return;
    }
    push_digits(out, year.unsigned_abs(), 4);
    out.push(b'-');
    push_digits(out, date.month(), 2);
    out.push(b'-');
    push_digits(out, date.day(), 2);
}

/// `value` zero-padded to exactly `width` digits (`value` < 10^width).
fn push_digits(out: &mut Vec<u8>, value: u32, width: u32) {
    let mut div = 10u32.pow(width - 1);
    while div > 0 {
        out.push(b'0' + (value / div % 10) as u8);
        div /= 10;
    }
}

pub fn hex_sha256(hasher: Sha256) -> String {
    hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A database value, read by its column's kind.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Null,
    Int(i64),
    Bool(bool),
    Text(String),
    DateTime(NaiveDateTime),
    Date(NaiveDate),
    Blob(Vec<u8>),
}

impl Cell {
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Cell::Null => J::Null,
            Cell::Int(i) => J::from(*i),
            Cell::Bool(b) => J::Bool(*b),
            Cell::Text(s) => J::String(s.clone()),
            Cell::DateTime(d) => J::String(format_datetime(*d)),
            Cell::Date(d) => J::String(d.format(DATE).to_string()),
            Cell::Blob(b) => J::String(base64::engine::general_purpose::STANDARD.encode(b)),
        }
    }

    /// Decodes a JSON value written for a column of `kind`.
    pub fn from_json(value: &serde_json::Value, kind: Kind) -> Result<Cell, String> {
        use serde_json::Value as J;
        let bad = || format!("{value} is not a valid {kind:?} value");
        Ok(match (kind, value) {
            (_, J::Null) => Cell::Null,
            (Kind::Int, J::Number(n)) => Cell::Int(n.as_i64().ok_or_else(bad)?),
            (Kind::Bool, J::Bool(b)) => Cell::Bool(*b),
            (Kind::Text, J::String(s)) => Cell::Text(s.clone()),
            (Kind::DateTime, J::String(s)) => {
                Cell::DateTime(NaiveDateTime::parse_from_str(s, DATETIME).map_err(|_| bad())?)
            }
            (Kind::Date, J::String(s)) => {
                Cell::Date(NaiveDate::parse_from_str(s, DATE).map_err(|_| bad())?)
            }
            (Kind::Blob, J::String(s)) => Cell::Blob(
                base64::engine::general_purpose::STANDARD
                    .decode(s)
                    .map_err(|_| bad())?,
            ),
            _ => return Err(bad()),
        })
    }

    /// The value to bind in an INSERT; `kind` types a NULL.
    pub fn into_value(self, kind: Kind) -> sea_orm::Value {
        use sea_orm::Value as V;
        match (self, kind) {
            (Cell::Null, Kind::Int) => V::BigInt(None),
            (Cell::Null, Kind::Bool) => V::Bool(None),
            (Cell::Null, Kind::Text) => V::String(None),
            (Cell::Null, Kind::DateTime) => V::ChronoDateTime(None),
            (Cell::Null, Kind::Date) => V::ChronoDate(None),
            (Cell::Null, Kind::Blob) => V::Bytes(None),
            (Cell::Int(i), _) => V::BigInt(Some(i)),
            (Cell::Bool(b), _) => V::Bool(Some(b)),
            (Cell::Text(s), _) => V::String(Some(s)),
            (Cell::DateTime(d), _) => V::ChronoDateTime(Some(d)),
            (Cell::Date(d), _) => V::ChronoDate(Some(d)),
            (Cell::Blob(b), _) => V::Bytes(Some(b)),
        }
    }
}

/// The name of a backup taken at `at` (UTC): its timestamp first, so that
/// names sort by age. `n` > 1 tells apart two backups of the same second.
pub fn backup_name(at: NaiveDateTime, n: u32) -> String {
    let stamp = at.format("%Y%m%dT%H%M%SZ");
    if n <= 1 {
        format!("{stamp}{SUFFIX}")
    } else {
        format!("{stamp}-{n}{SUFFIX}")
    }
}

/// [`backup_name`], with `.age` when the file is encrypted.
pub fn backup_name_for(at: NaiveDateTime, n: u32, encrypted: bool) -> String {
    let name = backup_name(at, n);
    if encrypted {
        format!("{name}{ENCRYPTED_SUFFIX}")
    } else {
        name
    }
}

/// A backup's name without its suffixes.
fn stem(name: &str) -> Option<&str> {
    name.strip_suffix(ENCRYPTED_SUFFIX)
        .unwrap_or(name)
        .strip_suffix(SUFFIX)
}

/// The time a backup name says it was taken, or `None` for any other file
/// (temporary files, stray files) in the backup folder.
pub fn parse_name(name: &str) -> Option<NaiveDateTime> {
    let rest = stem(name)?;
    let stamp = rest.get(..16)?;
    let tail = &rest[16..];
    let tail_ok = tail.is_empty()
        || tail
            .strip_prefix('-')
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    if !tail_ok {
        return None;
    }
    NaiveDateTime::parse_from_str(stamp, "%Y%m%dT%H%M%SZ").ok()
}

/// Sort key of a backup name: its time, then its same-second number.
fn age_key(name: &str) -> Option<(NaiveDateTime, u32)> {
    let at = parse_name(name)?;
    let n = stem(name)
        .and_then(|r| r.get(16..))
        .and_then(|t| t.strip_prefix('-'))
        .and_then(|n| n.parse().ok())
        .unwrap_or(1);
    Some((at, n))
}

/// The backups among `names`, oldest first; other files are left out.
pub fn backups_oldest_first(names: &[String]) -> Vec<String> {
    let mut found: Vec<(NaiveDateTime, u32, String)> = names
        .iter()
        .filter_map(|n| age_key(n).map(|(at, k)| (at, k, n.clone())))
        .collect();
    found.sort();
    found.into_iter().map(|(_, _, n)| n).collect()
}

/// Which backups rotation removes: all but the newest `keep`. Files that
/// are not backups (a temporary file of a crashed run) are never chosen.
pub fn beyond_keep(names: &[String], keep: usize) -> Vec<String> {
    let sorted = backups_oldest_first(names);
    let extra = sorted.len().saturating_sub(keep);
    sorted.into_iter().take(extra).collect()
}

/// Tables ordered so that every table comes after the tables its foreign
/// keys point to (`edges` are `(child, parent)`); ties alphabetically. A
/// cycle (none in the schema) keeps its members in alphabetical order at
/// the end; the restore loads with foreign key checks deferred anyway.
pub fn fk_order(tables: &[String], edges: &[(String, String)]) -> Vec<String> {
    let known: BTreeSet<&str> = tables.iter().map(String::as_str).collect();
    let mut parents: BTreeMap<&str, BTreeSet<&str>> =
        known.iter().map(|t| (*t, BTreeSet::new())).collect();
    for (child, parent) in edges {
        if child != parent && known.contains(parent.as_str()) {
            if let Some(set) = parents.get_mut(child.as_str()) {
                set.insert(parent.as_str());
            }
        }
    }
    let mut ordered: Vec<String> = Vec::with_capacity(tables.len());
    let mut placed: BTreeSet<&str> = BTreeSet::new();
    loop {
        let ready: Vec<&str> = parents
            .iter()
            .filter(|(t, ps)| !placed.contains(*t) && ps.iter().all(|p| placed.contains(p)))
            .map(|(t, _)| *t)
            .collect();
        let Some(next) = ready.first() else { break };
        placed.insert(next);
        ordered.push((*next).to_owned());
    }
    for t in known {
        if !placed.contains(t) {
            ordered.push(t.to_owned());
        }
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S").unwrap()
    }

    #[test]
    fn names_start_with_the_utc_time_and_sort_by_age() {
        let name = backup_name(at("2026-11-29 02:15:00"), 1);
        assert_eq!(name, "20261129T021500Z.winkel-backup.zst");
        assert_eq!(parse_name(&name), Some(at("2026-11-29 02:15:00")));
        let second = backup_name(at("2026-11-29 02:15:00"), 2);
        assert_eq!(second, "20261129T021500Z-2.winkel-backup.zst");
        assert_eq!(parse_name(&second), Some(at("2026-11-29 02:15:00")));
        let encrypted = backup_name_for(at("2026-11-29 02:15:00"), 1, true);
        assert_eq!(encrypted, "20261129T021500Z.winkel-backup.zst.age");
        assert_eq!(parse_name(&encrypted), Some(at("2026-11-29 02:15:00")));
        for other in [
            ".tmp-20261129T021500Z.winkel-backup.zst",
            "20261129T021500Z.winkel-backup.zst.part",
            "notes.txt",
            "20261329T021500Z.winkel-backup.zst",
            "20261129T021500Z-x.winkel-backup.zst",
        ] {
            assert_eq!(parse_name(other), None, "{other}");
        }
    }

    #[test]
    fn rotation_removes_only_the_oldest_backups_beyond_the_count() {
        let mut names: Vec<String> = (1..=9)
            .map(|d| backup_name(at(&format!("2026-11-{d:02} 04:00:00")), 1))
            .collect();
        names.push(".tmp-20261101T040000Z.winkel-backup.zst".into());
        names.push(backup_name(at("2026-11-09 04:00:00"), 2));
        names.reverse();
        let removed = beyond_keep(&names, 7);
        assert_eq!(
            removed,
            vec![
                "20261101T040000Z.winkel-backup.zst",
                "20261102T040000Z.winkel-backup.zst",
                "20261103T040000Z.winkel-backup.zst",
            ]
        );
        assert!(beyond_keep(&names, 30).is_empty());
        let oldest_first = backups_oldest_first(&names);
        assert_eq!(
            oldest_first.last().map(String::as_str),
            Some("20261109T040000Z-2.winkel-backup.zst")
        );
    }

    #[test]
    fn kinds_from_both_catalogs() {
        for (t, k) in [
            ("integer", Kind::Int),
            ("bigint", Kind::Int),
            ("int", Kind::Int),
            ("boolean", Kind::Bool),
            ("tinyint", Kind::Bool),
            ("varchar(100)", Kind::Text),
            ("varchar", Kind::Text),
            ("text", Kind::Text),
            ("datetime_text", Kind::DateTime),
            ("datetime", Kind::DateTime),
            ("date_text", Kind::Date),
            ("date", Kind::Date),
            ("blob", Kind::Blob),
        ] {
            assert_eq!(Kind::of_sql_type(t), Some(k), "{t}");
        }
        assert_eq!(Kind::of_sql_type("double"), None);
    }

    #[test]
    fn values_round_trip_through_json() {
        let cells = [
            (Cell::Null, Kind::Text),
            (Cell::Int(-9_007_199_254_740_993), Kind::Int),
            (Cell::Bool(true), Kind::Bool),
            (Cell::Text("Zoë \"quoted\"\n".into()), Kind::Text),
            (
                Cell::DateTime(at("2026-11-29 02:15:00") + chrono::Duration::microseconds(5)),
                Kind::DateTime,
            ),
            (Cell::DateTime(at("2026-11-29 02:15:00")), Kind::DateTime),
            (
                Cell::Date(NaiveDate::from_ymd_opt(2026, 2, 28).unwrap()),
                Kind::Date,
            ),
            (Cell::Blob(vec![0, 255, 10]), Kind::Blob),
        ];
        for (cell, kind) in cells {
            let json = cell.to_json();
            assert_eq!(Cell::from_json(&json, kind), Ok(cell));
        }
        assert!(Cell::from_json(&serde_json::json!("x"), Kind::Int).is_err());
        assert!(Cell::from_json(&serde_json::json!("2026-13-01"), Kind::Date).is_err());
    }

    #[test]
    fn fast_time_text_is_chronos() {
        let base = at("2026-11-29 02:15:09");
        let mut times = vec![
            base,
            at("0001-01-01 00:00:00"),
            at("9999-12-31 23:59:59"),
            NaiveDate::from_ymd_opt(-5, 3, 1)
                .unwrap()
                .and_hms_opt(1, 2, 3)
                .unwrap(),
            NaiveDate::from_ymd_opt(12345, 3, 1)
                .unwrap()
                .and_hms_opt(1, 2, 3)
                .unwrap(),
            NaiveDate::from_ymd_opt(2016, 12, 31)
                .unwrap()
                .and_hms_nano_opt(23, 59, 59, 1_500_000_000)
                .unwrap(),
        ];
        for nanos in [
            1,
            10,
            999,
            1_000,
            120_000,
            999_999,
            1_000_000,
            5_000_000,
            123_456_789,
        ] {
            times.push(base + chrono::Duration::nanoseconds(nanos));
        }
        for t in times {
            let mut out = Vec::new();
            push_datetime(&mut out, t);
            assert_eq!(String::from_utf8(out).unwrap(), format_datetime(t), "{t:?}");
            let mut out = Vec::new();
            push_date(&mut out, t.date());
            assert_eq!(
                String::from_utf8(out).unwrap(),
                t.date().format(DATE).to_string()
            );
        }
    }

    #[test]
    fn records_and_manifest_are_tagged_json_lines() {
        let manifest = Manifest {
            format: FORMAT,
            migration_version: "m1".into(),
            created_at: format_datetime(at("2026-11-29 02:15:00")),
            tables: vec![TableSummary {
                name: "customers".into(),
                rows: 2,
                sha256: "ab".into(),
            }],
            files: vec![],
        };
        let line = serde_json::to_string(&Record::Manifest(manifest.clone())).unwrap();
        assert!(line.starts_with("{\"record\":\"manifest\""), "{line}");
        assert!(!line.contains('\n'));
        assert_eq!(
            serde_json::from_str::<Record>(&line).unwrap(),
            Record::Manifest(manifest.clone())
        );
        assert_eq!(manifest.created_at(), Some(at("2026-11-29 02:15:00")));
    }

    #[test]
    fn foreign_keys_order_parents_first() {
        let tables: Vec<String> = [
            "order_lines",
            "orders",
            "customers",
            "products",
            "categories",
        ]
        .map(String::from)
        .to_vec();
        let edges: Vec<(String, String)> = [
            ("order_lines", "orders"),
            ("order_lines", "products"),
            ("orders", "customers"),
            ("products", "categories"),
        ]
        .map(|(c, p)| (c.to_owned(), p.to_owned()))
        .to_vec();
        let order = fk_order(&tables, &edges);
        let pos = |t: &str| order.iter().position(|x| x == t).unwrap();
        assert_eq!(order.len(), 5);
        assert!(pos("categories") < pos("products"));
        assert!(pos("products") < pos("order_lines"));
        assert!(pos("customers") < pos("orders"));
        assert!(pos("orders") < pos("order_lines"));
        // A cycle still lists every table once.
        let cyclic = fk_order(
            &tables,
            &[
                ("orders".to_owned(), "order_lines".to_owned()),
                ("order_lines".to_owned(), "orders".to_owned()),
            ],
        );
        assert_eq!(cyclic.len(), 5);
    }
}
