//! The schedule of a bookable item as staff type it: weekdays and times of
//! day (Amsterdam wall-clock), stored as minutes after midnight.

use crate::validate::FieldError;

/// `HH:MM` (or `H:MM`) to minutes after midnight; `24:00` is allowed as a
/// closing time (until midnight).
pub fn parse_time(text: &str) -> Result<i32, FieldError> {
    let (hours, minutes) = text.trim().split_once(':').ok_or(FieldError::Time)?;
    let digits = |s: &str, len: std::ops::RangeInclusive<usize>| {
        (len.contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit()))
            .then(|| s.parse::<i32>().ok())
            .flatten()
    };
    let (Some(h), Some(m)) = (digits(hours, 1..=2), digits(minutes, 2..=2)) else {
        return Err(FieldError::Time);
    };
    match (h, m) {
        (0..=23, 0..=59) | (24, 0) => Ok(h * 60 + m),
        _ => Err(FieldError::Time),
    }
}

/// Minutes after midnight as `HH:MM`.
pub fn time_text(minutes: i32) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}

/// A weekday as the form posts it: 0 = Monday … 6 = Sunday.
pub fn parse_weekday(text: &str) -> Result<i16, FieldError> {
    text.trim()
        .parse::<i16>()
        .ok()
        .filter(|d| (0..=6).contains(d))
        .ok_or(FieldError::Number { min: 0, max: 6 })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_of_day_as_typed() {
        assert_eq!(parse_time("09:30"), Ok(570));
        assert_eq!(parse_time(" 9:05 "), Ok(545));
        assert_eq!(parse_time("00:00"), Ok(0));
        assert_eq!(parse_time("24:00"), Ok(1440));
        for bad in [
            "", "9", "9:5", "24:01", "25:00", "12:60", "-1:00", "ab:cd", "12:300", "+9:00",
        ] {
            assert_eq!(parse_time(bad), Err(FieldError::Time), "{bad}");
        }
        assert_eq!(time_text(570), "09:30");
        assert_eq!(time_text(1440), "24:00");
    }

    #[test]
    fn weekdays_monday_first() {
        assert_eq!(parse_weekday("0"), Ok(0));
        assert_eq!(parse_weekday("6"), Ok(6));
        assert!(parse_weekday("7").is_err());
        assert!(parse_weekday("maandag").is_err());
    }
}
