//! An order's status and the changes staff may make to it.

use crate::stored::stored_enum;
use crate::validate::FieldError;

stored_enum! {
    /// new → paid → shipped → completed, and new or paid → cancelled.
    pub enum OrderStatus {
        New = "new",
        Paid = "paid",
        Shipped = "shipped",
        Completed = "completed",
        Cancelled = "cancelled",
    }
}

impl OrderStatus {
    pub fn can_change_to(self, to: OrderStatus) -> bool {
        use OrderStatus::*;
        matches!(
            (self, to),
            (New, Paid)
                | (Paid, Shipped)
                | (Shipped, Completed)
                | (New, Cancelled)
                | (Paid, Cancelled)
        )
    }

    /// The statuses an order can be moved to from this one.
    pub fn next(self) -> Vec<OrderStatus> {
        Self::ALL
            .iter()
            .copied()
            .filter(|to| self.can_change_to(*to))
            .collect()
    }
}

/// The longest track-and-trace link accepted (the column's width).
pub const TRACK_URL_MAX: usize = 500;

/// A carrier's track-and-trace link as staff type it when they mark an
/// order shipped: empty is none; otherwise an `https://` URL with a host,
/// without spaces, quotes or angle brackets (it goes into a mail and an
/// `href`). The link is the carrier's, so only its form is checked.
pub fn track_url(value: &str) -> Result<Option<String>, FieldError> {
    let url = value.trim();
    if url.is_empty() {
        return Ok(None);
    }
    if url.len() > TRACK_URL_MAX {
        return Err(FieldError::TooLong { max: TRACK_URL_MAX });
    }
    let Some(rest) = url
        .get(..8)
        .filter(|s| s.eq_ignore_ascii_case("https://"))
        .map(|_| &url[8..])
    else {
        return Err(FieldError::TrackUrl);
    };
    let host = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let host_ok = host.contains('.')
        && !host.starts_with('.')
        && !host.ends_with('.')
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let rest_ok = rest
        .bytes()
        .all(|b| b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'<' | b'>' | b'\\' | b'`'));
    if host_ok && rest_ok {
        Ok(Some(format!("https://{rest}")))
    } else {
        Err(FieldError::TrackUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_order_life_cycle() {
        assert_eq!(New.next(), vec![Paid, Cancelled]);
        assert_eq!(Paid.next(), vec![Shipped, Cancelled]);
        assert_eq!(Shipped.next(), vec![Completed]);
        assert!(Completed.next().is_empty() && Cancelled.next().is_empty());
        assert!(
            !Shipped.can_change_to(Cancelled),
            "what has left cannot be cancelled"
        );
        assert!(!New.can_change_to(New));
        assert_eq!(OrderStatus::parse("bogus"), None);
        assert!(OrderStatus::ALL
            .iter()
            .all(|s| OrderStatus::parse(s.as_str()) == Some(*s)));
    }

    #[test]
    fn track_urls_are_https_links_or_nothing() {
        assert_eq!(track_url("  "), Ok(None));
        assert_eq!(
            track_url(" https://jouw.postnl.nl/track-and-trace/3SABC123-NL-1015KK "),
            Ok(Some(
                "https://jouw.postnl.nl/track-and-trace/3SABC123-NL-1015KK".into()
            ))
        );
        assert_eq!(
            track_url("HTTPS://www.dhl.nl/nl/tracking?tracking-id=JVGL1"),
            Ok(Some(
                "https://www.dhl.nl/nl/tracking?tracking-id=JVGL1".into()
            ))
        );
        for bad in [
            "http://jouw.postnl.nl/x",
            "javascript:alert(1)",
            "jouw.postnl.nl/x",
            "https://",
            "https://localhost/x",
            "https://postnl.nl/a b",
            "https://postnl.nl/\"onclick=\"x",
            "https://postnl.nl/<script>",
            "https://user@postnl.nl/x",
            "https://.nl/x",
        ] {
            assert_eq!(track_url(bad), Err(FieldError::TrackUrl), "{bad}");
        }
        let long = format!("https://postnl.nl/{}", "a".repeat(TRACK_URL_MAX));
        assert_eq!(
            track_url(&long),
            Err(FieldError::TooLong { max: TRACK_URL_MAX })
        );
    }
}
