//! Shop-local time. The shop runs on Europe/Amsterdam: CET (UTC+1) in
//! winter, CEST (UTC+2) from the last Sunday of March 01:00 UTC to the last
//! Sunday of October 01:00 UTC (the EU rule since 1996). Computed here rather
//! than pulling a time-zone database into the build.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};

fn last_sunday(year: i32, month: u32) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last = first_of_next.pred_opt()?;
    let back = last.weekday().num_days_from_sunday();
    last.checked_sub_signed(Duration::days(i64::from(back)))
}

/// The UTC offset of Amsterdam, in hours, at a UTC instant.
pub fn amsterdam_offset_hours(utc: NaiveDateTime) -> i64 {
    let year = utc.year();
    let switch = |month| last_sunday(year, month).and_then(|d| d.and_hms_opt(1, 0, 0));
    match (switch(3), switch(10)) {
        (Some(start), Some(end)) if utc >= start && utc < end => 2,
        _ => 1,
    }
}

/// Amsterdam local time for a UTC instant.
pub fn amsterdam_local(utc: NaiveDateTime) -> NaiveDateTime {
    utc + Duration::hours(amsterdam_offset_hours(utc))
}

/// The shop's calendar date at a UTC instant.
pub fn shop_today(utc: NaiveDateTime) -> NaiveDate {
    amsterdam_local(utc).date()
}

/// The UTC instant of an Amsterdam wall-clock time. In the hour the clocks
/// go back (which happens twice) the first, summer-time instant is taken; a
/// time skipped in spring is taken as if the clocks had not moved yet.
pub fn amsterdam_to_utc(local: NaiveDateTime) -> NaiveDateTime {
    let summer = local - Duration::hours(2);
    if amsterdam_offset_hours(summer) == 2 {
        summer
    } else {
        local - Duration::hours(1)
    }
}

/// The UTC instant at which a shop day begins (midnight in Amsterdam):
/// where "today" and a day filter of the CMS start.
pub fn shop_day_start(date: NaiveDate) -> NaiveDateTime {
    amsterdam_to_utc(date.and_time(NaiveTime::MIN))
}

/// The most recent moment, at or before `now` (UTC), at which the
/// Amsterdam clock showed `at`: when a nightly job was last due.
pub fn last_due(now: NaiveDateTime, at: NaiveTime) -> NaiveDateTime {
    let local = amsterdam_local(now);
    let today = amsterdam_to_utc(local.date().and_time(at));
    if today <= now {
        today
    } else {
        amsterdam_to_utc((local.date() - Duration::days(1)).and_time(at))
    }
}

/// Whether a date is a Sunday (no deliveries).
pub fn is_sunday(date: NaiveDate) -> bool {
    date.weekday() == Weekday::Sun
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .expect("valid date")
    }

    #[test]
    fn winter_and_summer_offsets() {
        assert_eq!(amsterdam_offset_hours(at(2026, 1, 15, 12, 0)), 1);
        assert_eq!(amsterdam_offset_hours(at(2026, 7, 15, 12, 0)), 2);
    }

    #[test]
    fn switches_on_the_last_sundays_at_one_utc() {
        // 2026: 29 March and 25 October.
        assert_eq!(amsterdam_offset_hours(at(2026, 3, 29, 0, 59)), 1);
        assert_eq!(amsterdam_offset_hours(at(2026, 3, 29, 1, 0)), 2);
        assert_eq!(amsterdam_offset_hours(at(2026, 10, 25, 0, 59)), 2);
        assert_eq!(amsterdam_offset_hours(at(2026, 10, 25, 1, 0)), 1);
    }

    #[test]
    fn the_shop_date_turns_at_local_midnight() {
        assert_eq!(
            shop_today(at(2026, 11, 28, 23, 30)),
            NaiveDate::from_ymd_opt(2026, 11, 29).expect("date")
        );
        assert_eq!(
            shop_today(at(2026, 7, 1, 21, 59)),
            NaiveDate::from_ymd_opt(2026, 7, 1).expect("date")
        );
        assert_eq!(
            shop_today(at(2026, 7, 1, 22, 0)),
            NaiveDate::from_ymd_opt(2026, 7, 2).expect("date")
        );
    }

    #[test]
    fn local_times_convert_to_utc_in_both_seasons() {
        assert_eq!(
            amsterdam_to_utc(at(2026, 1, 15, 3, 0)),
            at(2026, 1, 15, 2, 0)
        );
        assert_eq!(
            amsterdam_to_utc(at(2026, 7, 15, 3, 0)),
            at(2026, 7, 15, 1, 0)
        );
        // Midnight on the night of each switch.
        assert_eq!(
            amsterdam_to_utc(at(2026, 3, 29, 0, 0)),
            at(2026, 3, 28, 23, 0)
        );
        assert_eq!(
            amsterdam_to_utc(at(2026, 10, 25, 0, 0)),
            at(2026, 10, 24, 22, 0)
        );
        // Round trip away from the switches.
        let utc = at(2026, 5, 5, 17, 45);
        assert_eq!(amsterdam_to_utc(amsterdam_local(utc)), utc);
    }

    #[test]
    fn a_shop_day_starts_at_its_own_midnight_also_on_switch_days() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).expect("date");
        assert_eq!(shop_day_start(day(1, 15)), at(2026, 1, 14, 23, 0));
        assert_eq!(shop_day_start(day(7, 15)), at(2026, 7, 14, 22, 0));
        // The days the clocks go forward and back began in the old season,
        // and the next day in the new one.
        assert_eq!(shop_day_start(day(3, 29)), at(2026, 3, 28, 23, 0));
        assert_eq!(shop_day_start(day(3, 30)), at(2026, 3, 29, 22, 0));
        assert_eq!(shop_day_start(day(10, 25)), at(2026, 10, 24, 22, 0));
        assert_eq!(shop_day_start(day(10, 26)), at(2026, 10, 25, 23, 0));
        // Every moment of a day lies between its start and the next.
        for utc in [
            at(2026, 3, 29, 12, 0),
            at(2026, 10, 25, 23, 30),
            at(2026, 12, 7, 22, 59),
        ] {
            let today = shop_today(utc);
            assert!(shop_day_start(today) <= utc, "{utc}");
            assert!(utc < shop_day_start(today + Duration::days(1)), "{utc}");
        }
    }

    #[test]
    fn a_nightly_job_is_due_at_its_local_time() {
        let three = NaiveTime::from_hms_opt(3, 0, 0).expect("time");
        // 29 Nov 2026, 02:59 local (01:59 UTC): last due was the night before.
        assert_eq!(
            last_due(at(2026, 11, 29, 1, 59), three),
            at(2026, 11, 28, 2, 0)
        );
        // 03:00 local exactly: due now.
        assert_eq!(
            last_due(at(2026, 11, 29, 2, 0), three),
            at(2026, 11, 29, 2, 0)
        );
        // Summer: 03:00 local is 01:00 UTC.
        assert_eq!(last_due(at(2026, 7, 1, 12, 0), three), at(2026, 7, 1, 1, 0));
        // Shortly after local midnight (UTC still the day before).
        assert_eq!(
            last_due(at(2026, 11, 28, 23, 30), three),
            at(2026, 11, 28, 2, 0)
        );
    }
}
