//! Booking rules: which slots a schedule offers on a day, whether a slot
//! can be booked or cancelled, and the slot's name in forms and URLs.
//! Plain functions over Amsterdam time (`crate::clock`), shared by the
//! browser and the server.

use crate::clock::{amsterdam_local, amsterdam_offset_hours, amsterdam_to_utc, shop_today};
use crate::stored::stored_enum;
use crate::validate::FieldError;
use chrono::{Datelike, Days, Duration, NaiveDate, NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};

stored_enum! {
    /// Where a booking stands.
    pub enum BookingStatus {
        Booked = "booked",
        Cancelled = "cancelled",
        Attended = "attended",
    }
}

impl BookingStatus {
    /// Whether staff may move a booking from this status to `to`: a
    /// booking is cancelled or marked attended once, and stays so.
    pub fn may_become(self, to: BookingStatus) -> bool {
        self == BookingStatus::Booked && to != BookingStatus::Booked
    }

    /// Whether the booking holds its places.
    pub fn holds_places(self) -> bool {
        self != BookingStatus::Cancelled
    }
}

/// The most places one booking may take (a workshop group).
pub const MAX_PLACES: i32 = 20;

/// Weekly opening hours: on `weekday` (0 = Monday) from `opens_minute` to
/// `closes_minute` after midnight, Amsterdam wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyHours {
    pub weekday: u8,
    pub opens_minute: i32,
    pub closes_minute: i32,
}

/// When an item can be booked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// How long one booking lasts.
    pub duration_minutes: i32,
    /// How often a slot starts within the weekly hours.
    pub slot_minutes: i32,
    pub hours: Vec<WeeklyHours>,
    /// One-off slot starts, UTC.
    pub one_off: Vec<NaiveDateTime>,
    /// Closed days (Amsterdam dates): no slot at all, one-off ones included.
    pub closed: Vec<NaiveDate>,
}

/// Why a slot cannot be booked (or a booking not cancelled).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SlotRefusal {
    /// The slot has started or is over.
    Past,
    /// The slot lies beyond the days the item can be booked ahead.
    BeyondHorizon,
    /// The shop (or this item) is closed that day.
    Closed,
    /// The schedule has no slot at that time.
    NoSuchSlot,
    /// The item is no longer offered.
    ItemInactive,
    /// Too close to the start to cancel.
    TooLateToCancel,
    /// The booking is not (or no longer) booked.
    NotCancellable,
}

/// Whether a wall-clock time exists in Amsterdam (the hour skipped when
/// the clocks go forward in March does not).
fn local_exists(local: NaiveDateTime) -> bool {
    amsterdam_local(amsterdam_to_utc(local)) == local
}

/// The slot starts (UTC, ascending) a schedule offers on an Amsterdam date.
pub fn slots_on(schedule: &Schedule, date: NaiveDate) -> Vec<NaiveDateTime> {
    if schedule.closed.contains(&date) {
        return Vec::new();
    }
    let weekday = u8::try_from(date.weekday().num_days_from_monday()).unwrap_or_default();
    let step = schedule.slot_minutes.max(5);
    let mut slots = Vec::new();
    for hours in schedule.hours.iter().filter(|h| h.weekday == weekday) {
        let mut minute = hours.opens_minute;
        while minute + schedule.duration_minutes <= hours.closes_minute {
            let local = date.and_time(chrono::NaiveTime::MIN) + Duration::minutes(minute.into());
            if local_exists(local) {
                slots.push(amsterdam_to_utc(local));
            }
            minute += step;
        }
    }
    slots.extend(
        schedule
            .one_off
            .iter()
            .copied()
            .filter(|start| shop_today(*start) == date),
    );
    slots.sort_unstable();
    slots.dedup();
    slots
}

/// The last Amsterdam date that can be booked `horizon_days` ahead.
pub fn last_bookable_day(now: NaiveDateTime, horizon_days: i32) -> NaiveDate {
    let today = shop_today(now);
    today
        .checked_add_days(Days::new(u64::try_from(horizon_days.max(0)).unwrap_or(0)))
        .unwrap_or(today)
}

/// Whether `slot` (UTC) can be booked at `now`.
pub fn check_slot(
    schedule: &Schedule,
    slot: NaiveDateTime,
    now: NaiveDateTime,
    horizon_days: i32,
) -> Result<(), SlotRefusal> {
    let day = shop_today(slot);
    if slot <= now {
        Err(SlotRefusal::Past)
    } else if day > last_bookable_day(now, horizon_days) {
        Err(SlotRefusal::BeyondHorizon)
    } else if schedule.closed.contains(&day) {
        Err(SlotRefusal::Closed)
    } else if !slots_on(schedule, day).contains(&slot) {
        Err(SlotRefusal::NoSuchSlot)
    } else {
        Ok(())
    }
}

/// Whether a customer may still cancel a booking starting at `starts_at`:
/// up to `cancel_hours` before the start.
pub fn check_cancel(
    status: BookingStatus,
    starts_at: NaiveDateTime,
    now: NaiveDateTime,
    cancel_hours: i32,
) -> Result<(), SlotRefusal> {
    if status != BookingStatus::Booked {
        Err(SlotRefusal::NotCancellable)
    } else if now + TimeDelta::hours(cancel_hours.into()) > starts_at {
        Err(SlotRefusal::TooLateToCancel)
    } else {
        Ok(())
    }
}

/// A slot as forms and URLs name it: Amsterdam local time with its UTC
/// offset (`2026-12-14T19:00+01:00`), so that the hour repeated when the
/// clocks go back in October is unambiguous.
pub fn slot_param(utc: NaiveDateTime) -> String {
    let offset = amsterdam_offset_hours(utc);
    format!(
        "{}+{offset:02}:00",
        amsterdam_local(utc).format("%Y-%m-%dT%H:%M")
    )
}

/// Reads a slot named by [`slot_param`] (seconds allowed) as UTC. The
/// offset must be Amsterdam's at that moment: `19:00+02:00` in December
/// names no time the shop shows.
pub fn parse_slot(value: &str) -> Result<NaiveDateTime, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(FieldError::Required);
    }
    let parsed = chrono::DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M%:z")
        .or_else(|_| chrono::DateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%:z"))
        .map_err(|_| FieldError::Slot)?;
    let utc = parsed.naive_utc();
    if i64::from(parsed.offset().local_minus_utc()) != amsterdam_offset_hours(utc) * 3600 {
        return Err(FieldError::Slot);
    }
    Ok(utc)
}

/// The number of places asked for, as typed: 1 up to what one booking may
/// take of this item.
pub fn places(value: Option<&str>, capacity: i32) -> Result<i32, FieldError> {
    let max = capacity.clamp(1, MAX_PLACES);
    let number = match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => return Ok(1),
        Some(v) => v.parse::<i32>().ok(),
    };
    match number {
        Some(n) if (1..=max).contains(&n) => Ok(n),
        _ => Err(FieldError::Number {
            min: 1,
            max: u32::try_from(max).unwrap_or(1),
        }),
    }
}

/// The price of `places` places.
pub fn total_cents(unit_price_cents: i64, places: i32) -> i64 {
    unit_price_cents * i64::from(places)
}

/// The first day of the month shown: `month` (`YYYY-MM`) when it lies
/// between this month and the horizon's, else this month.
pub fn month_shown(month: Option<&str>, now: NaiveDateTime, horizon_days: i32) -> NaiveDate {
    let first = |d: NaiveDate| d.with_day(1).unwrap_or(d);
    let this = first(shop_today(now));
    let last = first(last_bookable_day(now, horizon_days));
    month
        .and_then(|m| NaiveDate::parse_from_str(&format!("{m}-01"), "%Y-%m-%d").ok())
        .filter(|m| *m >= this && *m <= last)
        .unwrap_or(this)
}

/// The weeks (Monday first) that cover the month starting at `first`.
pub fn month_weeks(first: NaiveDate) -> Vec<[NaiveDate; 7]> {
    let start = first - Days::new(u64::from(first.weekday().num_days_from_monday()));
    let mut weeks = Vec::new();
    let mut monday = start;
    while monday.year() < first.year()
        || (monday.year() == first.year() && monday.month() <= first.month())
    {
        weeks.push(std::array::from_fn(|i| monday + Days::new(i as u64)));
        monday = monday + Days::new(7);
    }
    weeks
}

/// `YYYY-MM` of the month before / after `first`, for the month view's links.
pub fn month_param(first: NaiveDate) -> String {
    first.format("%Y-%m").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .and_then(|d| d.and_hms_opt(h, min, 0))
            .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    /// A bike workshop: hourly repair slots of an hour, 09:00-12:00 on
    /// weekdays and Sunday (for the DST tests).
    fn workshop() -> Schedule {
        Schedule {
            duration_minutes: 60,
            slot_minutes: 60,
            hours: (0..7)
                .map(|weekday| WeeklyHours {
                    weekday,
                    opens_minute: 9 * 60,
                    closes_minute: 12 * 60,
                })
                .collect(),
            one_off: vec![utc(2026, 12, 14, 18, 0)],
            closed: vec![date(2026, 12, 25)],
        }
    }

    #[test]
    fn slots_follow_local_time_across_the_dst_change() {
        let schedule = workshop();
        // Saturday before the October change: CEST, 09:00 is 07:00 UTC.
        assert_eq!(
            slots_on(&schedule, date(2026, 10, 24)),
            vec![
                utc(2026, 10, 24, 7, 0),
                utc(2026, 10, 24, 8, 0),
                utc(2026, 10, 24, 9, 0)
            ]
        );
        // Sunday of the change and the Monday after: CET, 09:00 is 08:00 UTC.
        assert_eq!(
            slots_on(&schedule, date(2026, 10, 25))[0],
            utc(2026, 10, 25, 8, 0)
        );
        assert_eq!(
            slots_on(&schedule, date(2026, 10, 26))[0],
            utc(2026, 10, 26, 8, 0)
        );
        // March: the Sunday of the change is already summer time at 09:00.
        assert_eq!(
            slots_on(&schedule, date(2026, 3, 28))[0],
            utc(2026, 3, 28, 8, 0)
        );
        assert_eq!(
            slots_on(&schedule, date(2026, 3, 29))[0],
            utc(2026, 3, 29, 7, 0)
        );
        for slot in slots_on(&schedule, date(2026, 10, 25)) {
            assert!(slot_param(slot).contains("+01:00"));
        }
    }

    #[test]
    fn the_skipped_hour_has_no_slot_and_the_repeated_hour_is_named_by_its_offset() {
        let night = Schedule {
            duration_minutes: 30,
            slot_minutes: 30,
            hours: vec![WeeklyHours {
                weekday: 6,
                opens_minute: 60,
                closes_minute: 4 * 60,
            }],
            ..Schedule::default()
        };
        // 29 March 2026: 02:00-03:00 does not exist.
        let march: Vec<String> = slots_on(&night, date(2026, 3, 29))
            .into_iter()
            .map(slot_param)
            .collect();
        assert!(!march.iter().any(|s| s.contains("T02:")), "{march:?}");
        assert_eq!(march.len(), 4, "01:00, 01:30, 03:00, 03:30: {march:?}");
        // 25 October 2026: 02:30 happens twice; the offset tells them apart.
        let first = parse_slot("2026-10-25T02:30+02:00").unwrap();
        let second = parse_slot("2026-10-25T02:30+01:00").unwrap();
        assert_eq!(second - first, TimeDelta::hours(1));
        assert_eq!(slot_param(first), "2026-10-25T02:30+02:00");
        assert_eq!(slot_param(second), "2026-10-25T02:30+01:00");
    }

    #[test]
    fn a_slot_is_named_and_read_back() {
        let slot = utc(2026, 12, 14, 18, 0);
        assert_eq!(slot_param(slot), "2026-12-14T19:00+01:00");
        assert_eq!(parse_slot("2026-12-14T19:00+01:00"), Ok(slot));
        assert_eq!(parse_slot("2026-12-14T19:00:00+01:00"), Ok(slot));
        assert_eq!(parse_slot("2026-12-14T19:00+02:00"), Err(FieldError::Slot));
        assert_eq!(parse_slot("2026-12-14 19:00"), Err(FieldError::Slot));
        assert_eq!(parse_slot(""), Err(FieldError::Required));
    }

    #[test]
    fn slots_are_refused_in_the_past_beyond_the_horizon_on_closed_days_and_off_schedule() {
        let schedule = workshop();
        let now = utc(2026, 12, 10, 12, 0);
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 14, 18, 0), now, 60),
            Ok(())
        );
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 11, 8, 0), now, 60),
            Ok(())
        );
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 10, 8, 0), now, 60),
            Err(SlotRefusal::Past)
        );
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 25, 8, 0), now, 60),
            Err(SlotRefusal::Closed)
        );
        assert!(slots_on(&schedule, date(2026, 12, 25)).is_empty());
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 11, 8, 30), now, 60),
            Err(SlotRefusal::NoSuchSlot)
        );
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 11, 11, 0), now, 60),
            Err(SlotRefusal::NoSuchSlot),
            "12:00 local would end after closing"
        );
        // Exactly on the horizon's last day is allowed, the day after not.
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 20, 8, 0), now, 10),
            Ok(())
        );
        assert_eq!(
            check_slot(&schedule, utc(2026, 12, 21, 8, 0), now, 10),
            Err(SlotRefusal::BeyondHorizon)
        );
    }

    #[test]
    fn cancelling_is_allowed_until_the_cut_off() {
        let start = utc(2026, 12, 14, 18, 0);
        let booked = BookingStatus::Booked;
        assert_eq!(
            check_cancel(booked, start, utc(2026, 12, 13, 18, 0), 24),
            Ok(())
        );
        assert_eq!(
            check_cancel(booked, start, utc(2026, 12, 13, 18, 1), 24),
            Err(SlotRefusal::TooLateToCancel)
        );
        assert_eq!(
            check_cancel(BookingStatus::Cancelled, start, utc(2026, 12, 1, 0, 0), 24),
            Err(SlotRefusal::NotCancellable)
        );
    }

    #[test]
    fn places_are_between_one_and_the_capacity() {
        assert_eq!(places(None, 8), Ok(1));
        assert_eq!(places(Some(" 3 "), 8), Ok(3));
        assert!(places(Some("9"), 8).is_err());
        assert!(places(Some("0"), 8).is_err());
        assert!(places(Some("twee"), 8).is_err());
        assert!(places(Some("2"), 1).is_err());
        assert_eq!(total_cents(4500, 3), 13_500);
    }

    #[test]
    fn statuses_change_once() {
        assert!(BookingStatus::Booked.may_become(BookingStatus::Attended));
        assert!(BookingStatus::Booked.may_become(BookingStatus::Cancelled));
        assert!(!BookingStatus::Cancelled.may_become(BookingStatus::Booked));
        assert!(!BookingStatus::Attended.may_become(BookingStatus::Cancelled));
    }

    #[test]
    fn the_month_view_covers_whole_weeks_within_the_horizon() {
        let now = utc(2026, 12, 4, 12, 0);
        assert_eq!(month_shown(None, now, 60), date(2026, 12, 1));
        assert_eq!(month_shown(Some("2027-01"), now, 60), date(2027, 1, 1));
        assert_eq!(month_shown(Some("2027-03"), now, 60), date(2026, 12, 1));
        assert_eq!(month_shown(Some("2026-11"), now, 60), date(2026, 12, 1));
        assert_eq!(month_shown(Some("rubbish"), now, 60), date(2026, 12, 1));
        let weeks = month_weeks(date(2026, 12, 1));
        assert_eq!(weeks[0][0], date(2026, 11, 30));
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks[4][6], date(2027, 1, 3));
        assert_eq!(month_param(date(2027, 1, 1)), "2027-01");
    }
}
