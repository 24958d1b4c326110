//! AVG-18: when the shop's own numbers say something is wrong. Each kind of
//! warning is one rule over counts — an hour against the week before, a
//! window of the last minutes, a staff member's hour against their usual
//! day — so that the dashboard, the owner's mail and the tests agree on one
//! definition. The Prometheus rules in `docs/monitoring/` say the same over
//! the `/metrics` series.

use crate::stored::stored_enum;
use serde::{Deserialize, Serialize};

stored_enum! {
    /// What a warning is about; the owner gets at most one mail per kind
    /// per hour (`warning_mails`).
    pub enum WarningKind {
        FailedLoginCustomer = "failed_login_customer",
        FailedLoginStaff = "failed_login_staff",
        HoneypotHit = "honeypot_hit",
        FormLimitRefusal = "form_limit_refusal",
        /// Many answers with a 5xx status in the last minutes.
        ServerErrors = "server_errors",
        /// Database queries that failed in the last minutes.
        DatabaseErrors = "database_errors",
        /// Database queries slower than `SLOW_QUERY_SECONDS`.
        SlowQueries = "slow_queries",
        /// Requests in an hour far above the week's mean hour.
        Traffic = "traffic",
        /// A staff member reading far more customer records than usual.
        StaffReads = "staff_reads",
    }
}

/// One active warning and the numbers that raised it. What `count` and
/// `against` are depends on the kind:
///
/// | kind | `count` | `against` |
/// |---|---|---|
/// | the four security kinds | events in the hour | events in the week before |
/// | `ServerErrors` | 5xx answers in the window | requests in the window |
/// | `DatabaseErrors` | failed queries in the window | queries in the window |
/// | `SlowQueries` | slow queries in the window | queries in the window |
/// | `Traffic` | requests in the hour | the week's mean hour |
/// | `StaffReads` | the member's reads in the hour | their mean day |
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Warning {
    pub kind: WarningKind,
    pub count: u64,
    pub against: u64,
    /// Only for `StaffReads`: whose reads (an id, never a name or address).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub staff_id: Option<i32>,
}

impl Warning {
    pub fn new(kind: WarningKind, count: u64, against: u64) -> Self {
        Self {
            kind,
            count,
            against,
            staff_id: None,
        }
    }
}

/// The owner is mailed about a kind of warning at most once in this many
/// minutes, however many servers find it.
pub const MAIL_EVERY_MINUTES: i64 = 60;

// ---------------------------------------------------------------- hours

/// The hours of "the week before" an hour is compared with.
pub const BASELINE_HOURS: u64 = 7 * 24;
/// A security count is far above its baseline at more than this many times
/// the week's mean hour ...
pub const SECURITY_FACTOR: f64 = 3.0;
/// ... and at least this many events in the hour.
pub const SECURITY_MIN_EVENTS: u64 = 10;

/// Whether the security events of an hour are far above the mean hour of
/// the 7 days before (`previous_week_total` over 168 hours).
pub fn security_far_above(last_hour: u64, previous_week_total: u64) -> bool {
    last_hour >= SECURITY_MIN_EVENTS
        && above(
            last_hour,
            SECURITY_FACTOR,
            previous_week_total,
            BASELINE_HOURS,
        )
}

/// Requests in an hour warn at more than this many times the week's mean
/// hour ...
pub const TRAFFIC_FACTOR: f64 = 5.0;
/// ... and at least this many requests: a quiet shop's busy hour (a
/// newsletter went out) is no attack.
pub const TRAFFIC_MIN_REQUESTS: u64 = 1000;

/// Whether the requests of an hour are far above the mean of the hours of
/// the week before that saw any (`hours_counted` of them, holding
/// `week_total` requests): hours the shop was down do not lower the mean.
pub fn traffic_far_above(last_hour: u64, week_total: u64, hours_counted: u64) -> bool {
    last_hour >= TRAFFIC_MIN_REQUESTS
        && above(last_hour, TRAFFIC_FACTOR, week_total, hours_counted.max(1))
}

/// A member's reads of customer records warn at more than this many times
/// their mean day over `STAFF_READS_DAYS` days, in one hour ...
pub const STAFF_READS_FACTOR: f64 = 3.0;
/// ... and at least this many in the hour: records shown, so ten pages of
/// the customer list; an afternoon of ordinary work stays below it.
pub const STAFF_READS_MIN: u64 = 500;
/// The days a member's usual reading is taken over.
pub const STAFF_READS_DAYS: u64 = 30;

/// Whether a member's reads in the last hour are far above their mean day
/// (`days_total` reads over `STAFF_READS_DAYS` days): three days' reading
/// in one hour is a download, not a working day.
pub fn staff_reads_far_above(last_hour: u64, days_total: u64) -> bool {
    last_hour >= STAFF_READS_MIN
        && above(last_hour, STAFF_READS_FACTOR, days_total, STAFF_READS_DAYS)
}

/// `count > factor * total / periods`, without dividing.
fn above(count: u64, factor: f64, total: u64, periods: u64) -> bool {
    // Counts stay far below 2^52: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let (count, total, periods) = (count as f64, total as f64, periods as f64);
    count * periods > factor * total
}

/// The mean of `total` over `periods`, rounded, for a warning's text.
pub fn mean(total: u64, periods: u64) -> u64 {
    let periods = periods.max(1);
    (total + periods / 2) / periods
}

// ---------------------------------------------------------------- window

/// The minutes the per-process counts (errors, slow queries) are looked
/// back over.
pub const WINDOW_MINUTES: i64 = 10;
/// 5xx answers warn above this share of the window's requests ...
pub const SERVER_ERROR_SHARE: f64 = 0.05;
/// ... when there are at least this many.
pub const SERVER_ERRORS_MIN: u64 = 10;
/// Failed database queries warn from this many in the window: one can be
/// a lost connection, three in ten minutes are not.
pub const DB_ERRORS_MIN: u64 = 3;
/// A query taking longer than this is slow (a bucket bound of
/// `winkel_db_query_duration_seconds`, so Prometheus can count the same).
pub const SLOW_QUERY_SECONDS: f64 = 0.5;
/// Slow queries warn from this many in the window.
pub const SLOW_QUERIES_MIN: u64 = 10;

/// What one process counted in the window.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WindowCounts {
    pub requests: u64,
    pub server_errors: u64,
    pub queries: u64,
    pub db_errors: u64,
    pub slow_queries: u64,
}

/// The warnings a window raises.
pub fn window_warnings(w: &WindowCounts) -> Vec<Warning> {
    let mut warnings = Vec::new();
    // Counts stay far below 2^52: exact as f64.
    #[allow(clippy::cast_precision_loss)]
    let share = w.server_errors as f64 / w.requests.max(1) as f64;
    if w.server_errors >= SERVER_ERRORS_MIN && share > SERVER_ERROR_SHARE {
        warnings.push(Warning::new(
            WarningKind::ServerErrors,
            w.server_errors,
            w.requests,
        ));
    }
    if w.db_errors >= DB_ERRORS_MIN {
        warnings.push(Warning::new(
            WarningKind::DatabaseErrors,
            w.db_errors,
            w.queries,
        ));
    }
    if w.slow_queries >= SLOW_QUERIES_MIN {
        warnings.push(Warning::new(
            WarningKind::SlowQueries,
            w.slow_queries,
            w.queries,
        ));
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn security_needs_both_volume_and_a_jump() {
        // A quiet shop: 12 failed logins in an hour is abnormal.
        assert!(security_far_above(12, 0));
        // Fewer than 10 events never warn, however quiet the week was.
        assert!(!security_far_above(9, 0));
        // A busy week (mean 5/h): 15 is exactly 3x, not above; 16 is.
        assert!(!security_far_above(15, 5 * 168));
        assert!(security_far_above(16, 5 * 168));
        // A big shop's ordinary hour.
        assert!(!security_far_above(100, 60 * 168));
    }

    #[test]
    fn traffic_compares_with_the_hours_the_shop_was_up() {
        // 400 requests an hour over 100 hours: 2000 is 5x, not above.
        assert!(!traffic_far_above(2000, 400 * 100, 100));
        assert!(traffic_far_above(2001, 400 * 100, 100));
        // Down for most of the week: the mean is of the hours it served.
        assert!(!traffic_far_above(2000, 400 * 10, 10));
        // A new shop without a week: only the minimum counts.
        assert!(traffic_far_above(TRAFFIC_MIN_REQUESTS, 0, 0));
        assert!(!traffic_far_above(TRAFFIC_MIN_REQUESTS - 1, 0, 0));
    }

    #[test]
    fn staff_reads_compare_an_hour_with_a_usual_day() {
        // 200 customers shown a day: 600 in an hour is three days, not
        // above; 601 is.
        assert!(!staff_reads_far_above(600, 200 * 30));
        assert!(staff_reads_far_above(601, 200 * 30));
        // A new member's first busy hour needs the minimum.
        assert!(!staff_reads_far_above(STAFF_READS_MIN - 1, 0));
        assert!(staff_reads_far_above(STAFF_READS_MIN, 0));
        // Someone shown 1,000 a day is shown 800 in an hour now and then.
        assert!(!staff_reads_far_above(800, 1000 * 30));
    }

    #[test]
    fn a_window_warns_on_a_share_of_errors_and_on_counts() {
        let quiet = WindowCounts {
            requests: 1000,
            server_errors: 50,
            queries: 5000,
            db_errors: 2,
            slow_queries: 9,
        };
        // 5% of 1000 is not above 5%; two failed queries, nine slow ones.
        assert_eq!(window_warnings(&quiet), vec![]);
        let bad = WindowCounts {
            server_errors: 51,
            db_errors: 3,
            slow_queries: 10,
            ..quiet
        };
        let kinds: Vec<WarningKind> = window_warnings(&bad).iter().map(|w| w.kind).collect();
        assert_eq!(
            kinds,
            [
                WarningKind::ServerErrors,
                WarningKind::DatabaseErrors,
                WarningKind::SlowQueries
            ]
        );
        assert_eq!(
            window_warnings(&bad)[0],
            Warning::new(WarningKind::ServerErrors, 51, 1000)
        );
        // Nine 5xx of nine requests: too few to mean anything.
        let few = WindowCounts {
            requests: 9,
            server_errors: 9,
            ..WindowCounts::default()
        };
        assert_eq!(window_warnings(&few), vec![]);
        // Ten of ten: the shop is down.
        let down = WindowCounts {
            requests: 10,
            server_errors: 10,
            ..WindowCounts::default()
        };
        assert_eq!(window_warnings(&down).len(), 1);
    }

    #[test]
    fn means_round() {
        assert_eq!(mean(5 * 168, 168), 5);
        assert_eq!(mean(10, 4), 3);
        assert_eq!(mean(10, 0), 10);
    }
}
