//! The retention term as dates. The sweep itself (which rows) is in
//! `ssr::services::retention`; its decisions are listed there and in
//! docs/operations.md.

use crate::clock::amsterdam_to_utc;
use chrono::{Months, NaiveDate, NaiveDateTime, NaiveTime};

/// Anything stamped before the returned UTC instant is "more than `years`
/// ago" on the shop's day `as_of`: the term counts in calendar years from
/// local midnight in Amsterdam, so on 29 Nov 2026 with 7 years a customer
/// added on 28 Nov 2019 is past it and one added on 29 Nov 2019 is not (yet).
/// From 29 February the years end on 28 February.
pub fn retention_cutoff(as_of: NaiveDate, years: u32) -> NaiveDateTime {
    let start = as_of
        .checked_sub_months(Months::new(years.saturating_mul(12)))
        .unwrap_or(NaiveDate::MIN);
    amsterdam_to_utc(start.and_time(NaiveTime::MIN))
}

/// Whether something stamped at `at` (UTC) is past the term.
pub fn is_past_term(at: NaiveDateTime, cutoff: NaiveDateTime) -> bool {
    at < cutoff
}

/// The parts of a privacy-request token (`id.secret`, the secret 64 hex
/// characters), before it is checked against its stored hash; `None` for
/// anything else.
pub fn parse_request_token(token: &str) -> Option<(i32, &str)> {
    let (id, secret) = token.trim().split_once('.')?;
    let plain = secret.len() == 64 && secret.bytes().all(|b| b.is_ascii_hexdigit());
    plain.then_some((id.parse().ok()?, secret))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_tokens_are_an_id_and_a_secret() {
        let secret = "ab".repeat(32);
        assert_eq!(
            parse_request_token(&format!("12.{secret}")),
            Some((12, secret.as_str()))
        );
        for bad in [
            String::new(),
            "12".into(),
            format!("x.{secret}"),
            format!("12.{}", &secret[1..]),
            format!("12.{}zz", &secret[2..]),
            format!("12.{secret}.1"),
        ] {
            assert_eq!(parse_request_token(&bad), None, "{bad}");
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    fn utc(y: i32, m: u32, d: u32, h: u32) -> NaiveDateTime {
        date(y, m, d).and_hms_opt(h, 0, 0).expect("valid time")
    }

    #[test]
    fn the_term_starts_at_local_midnight_t_years_back() {
        // Winter: midnight in Amsterdam is 23:00 UTC the day before.
        assert_eq!(
            retention_cutoff(date(2026, 11, 29), 7),
            utc(2019, 11, 28, 23)
        );
        // Summer: 22:00 UTC.
        assert_eq!(retention_cutoff(date(2026, 7, 1), 7), utc(2019, 6, 30, 22));
    }

    #[test]
    fn one_day_either_side_of_the_term() {
        let cutoff = retention_cutoff(date(2026, 11, 29), 7);
        // Added T + 1 day ago (28 Nov 2019, noon local): past the term.
        assert!(is_past_term(utc(2019, 11, 28, 11), cutoff));
        // Added T - 1 day ago (30 Nov 2019): kept.
        assert!(!is_past_term(utc(2019, 11, 30, 11), cutoff));
        // Exactly T ago (29 Nov 2019, 00:30 local): not more than T, kept.
        assert!(!is_past_term(
            utc(2019, 11, 28, 23) + chrono::Duration::minutes(30),
            cutoff
        ));
    }

    #[test]
    fn a_leap_day_counts_back_to_the_end_of_february() {
        assert_eq!(retention_cutoff(date(2028, 2, 29), 7), utc(2021, 2, 27, 23));
        assert_eq!(retention_cutoff(date(2028, 2, 29), 4), utc(2024, 2, 28, 23));
    }
}
