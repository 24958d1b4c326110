//! AVG-18: "the last ten minutes" of one process's counters (requests, 5xx
//! answers, queries, failed and slow queries). The counters only grow; each
//! look at the window notes them with the time, and the window is the
//! difference from the newest note at least the window's length old — what
//! Prometheus' `increase()` does with its scrapes. So nothing is kept per
//! request, and a caller's clock (a test's) decides what "now" is.

use crate::cms::rules::monitoring::WindowCounts;
use chrono::{Duration, NaiveDateTime};

/// The process's counters since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Totals {
    pub requests: u64,
    pub server_errors: u64,
    pub queries: u64,
    pub db_errors: u64,
    pub slow_queries: u64,
}

impl Totals {
    /// What was counted between `earlier` and these.
    fn since(self, earlier: Totals) -> WindowCounts {
        WindowCounts {
            requests: self.requests.saturating_sub(earlier.requests),
            server_errors: self.server_errors.saturating_sub(earlier.server_errors),
            queries: self.queries.saturating_sub(earlier.queries),
            db_errors: self.db_errors.saturating_sub(earlier.db_errors),
            slow_queries: self.slow_queries.saturating_sub(earlier.slow_queries),
        }
    }
}

/// The notes, oldest first; only the newest one older than the window and
/// those after it are kept (a look every minute keeps about ten).
#[derive(Debug, Default)]
pub struct Snapshots(Vec<(NaiveDateTime, Totals)>);

impl Snapshots {
    /// Notes `totals` at `now` and returns what was counted in the `window`
    /// before `now`: since the newest note at least `window` old, or since
    /// the process started when there is none.
    pub fn look(&mut self, now: NaiveDateTime, totals: Totals, window: Duration) -> WindowCounts {
        let at = self.0.partition_point(|(t, _)| *t <= now);
        self.0.insert(at, (now, totals));
        let cutoff = now - window;
        let older = self.0.partition_point(|(t, _)| *t <= cutoff);
        let since = match older.checked_sub(1) {
            Some(i) => {
                // Notes before the newest old one are never needed again.
                self.0.drain(..i);
                self.0[0].1
            }
            None => Totals::default(),
        };
        totals.since(since)
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.0.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap_or_default()
            .naive_utc()
            + Duration::minutes(minute)
    }

    fn errors(n: u64) -> Totals {
        Totals {
            requests: n * 2,
            server_errors: n,
            ..Totals::default()
        }
    }

    #[test]
    fn the_window_is_the_difference_from_the_last_old_note() {
        let window = Duration::minutes(10);
        let mut notes = Snapshots::default();
        // Just started: everything since the start counts.
        assert_eq!(notes.look(at(0), errors(12), window).server_errors, 12);
        // Five minutes on, nothing older than ten minutes: still all.
        assert_eq!(notes.look(at(5), errors(20), window).server_errors, 20);
        // At 12 the note of minute 0 is the newest old one.
        let w = notes.look(at(12), errors(25), window);
        assert_eq!((w.server_errors, w.requests), (13, 26));
        // An hour later, quiet: nothing in the window.
        assert_eq!(notes.look(at(72), errors(25), window).server_errors, 0);
        // A new burst after that counts alone.
        assert_eq!(notes.look(at(74), errors(40), window).server_errors, 15);
        assert!(notes.len() <= 3, "old notes are dropped");
    }

    #[test]
    fn a_look_out_of_order_is_put_in_its_place() {
        let window = Duration::minutes(10);
        let mut notes = Snapshots::default();
        notes.look(at(0), errors(1), window);
        notes.look(at(30), errors(5), window);
        // A look at minute 20 (another caller's clock) sees minute 0 as old.
        assert_eq!(notes.look(at(20), errors(4), window).server_errors, 3);
        // Minute 31 compares with the note of minute 20.
        assert_eq!(notes.look(at(31), errors(6), window).server_errors, 2);
    }
}
