//! Staff rights (AVG-10): what the owner grants per staff member. The owner
//! has every right. Checked on the server for every CMS call; the browser
//! only uses them to hide what is not allowed.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Right {
    CustomersView,
    CustomersEdit,
    CustomersDelete,
    OrdersView,
    OrdersEdit,
    CatalogEdit,
    PagesEdit,
    SettingsView,
    StaffManage,
    AuditView,
}

impl Right {
    pub const ALL: [Right; 10] = [
        Self::CustomersView,
        Self::CustomersEdit,
        Self::CustomersDelete,
        Self::OrdersView,
        Self::OrdersEdit,
        Self::CatalogEdit,
        Self::PagesEdit,
        Self::SettingsView,
        Self::StaffManage,
        Self::AuditView,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CustomersView => "customers.view",
            Self::CustomersEdit => "customers.edit",
            Self::CustomersDelete => "customers.delete",
            Self::OrdersView => "orders.view",
            Self::OrdersEdit => "orders.edit",
            Self::CatalogEdit => "catalog.edit",
            Self::PagesEdit => "pages.edit",
            Self::SettingsView => "settings.view",
            Self::StaffManage => "staff.manage",
            Self::AuditView => "audit.view",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == value)
    }
}

/// A logged-in staff member as the CMS screens see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMember {
    pub id: i32,
    pub email: String,
    pub is_owner: bool,
    pub rights: Vec<Right>,
    pub must_change_password: bool,
}

impl StaffMember {
    pub fn allows(&self, right: Right) -> bool {
        self.is_owner || self.rights.contains(&right)
    }
}

/// Parses rights as stored or posted; unknown names are ignored.
pub fn parse_rights<'a>(names: impl IntoIterator<Item = &'a str>) -> Vec<Right> {
    let mut rights: Vec<Right> = names.into_iter().filter_map(Right::parse).collect();
    rights.sort_by_key(|r| Right::ALL.iter().position(|a| a == r));
    rights.dedup();
    rights
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for right in Right::ALL {
            assert_eq!(Right::parse(right.as_str()), Some(right));
        }
        assert_eq!(Right::parse("everything"), None);
    }

    #[test]
    fn the_owner_may_do_everything_staff_only_what_is_granted() {
        let owner = StaffMember {
            id: 1,
            email: "o@x.nl".into(),
            is_owner: true,
            rights: vec![],
            must_change_password: false,
        };
        let clerk = StaffMember {
            is_owner: false,
            rights: vec![Right::OrdersView],
            ..owner.clone()
        };
        assert!(Right::ALL.iter().all(|r| owner.allows(*r)));
        assert!(clerk.allows(Right::OrdersView));
        assert!(!clerk.allows(Right::CustomersView));
    }

    #[test]
    fn parsing_orders_and_dedups() {
        assert_eq!(
            parse_rights(["audit.view", "customers.view", "bogus", "customers.view"]),
            vec![Right::CustomersView, Right::AuditView]
        );
    }
}

/// Order statuses and the changes staff may make:
/// new → paid → shipped → completed, and new or paid → cancelled.
pub const ORDER_STATUSES: [&str; 5] = ["new", "paid", "shipped", "completed", "cancelled"];

pub fn can_change_status(from: &str, to: &str) -> bool {
    matches!(
        (from, to),
        ("new", "paid")
            | ("paid", "shipped")
            | ("shipped", "completed")
            | ("new", "cancelled")
            | ("paid", "cancelled")
    )
}

/// The statuses an order can be moved to from `from`.
pub fn next_statuses(from: &str) -> Vec<&'static str> {
    ORDER_STATUSES
        .into_iter()
        .filter(|to| can_change_status(from, to))
        .collect()
}

#[cfg(test)]
mod order_tests {
    use super::*;

    #[test]
    fn the_order_life_cycle() {
        assert_eq!(next_statuses("new"), vec!["paid", "cancelled"]);
        assert_eq!(next_statuses("paid"), vec!["shipped", "cancelled"]);
        assert_eq!(next_statuses("shipped"), vec!["completed"]);
        assert!(next_statuses("completed").is_empty() && next_statuses("cancelled").is_empty());
        assert!(
            !can_change_status("shipped", "cancelled"),
            "what has left cannot be cancelled"
        );
        assert!(!can_change_status("new", "new") && !can_change_status("new", "bogus"));
    }
}

pub const DEFAULT_RETENTION_YEARS: u32 = 7;
pub const DEFAULT_BACKUPS_KEEP: u32 = 7;

/// The parts of a database URL the settings screen shows. `reveal` decides
/// whether the password is shown or masked.
pub fn database_login(url: &str, reveal: bool) -> super::models::DatabaseLogin {
    let (scheme, rest) = url.split_once("://").unwrap_or(("", url));
    let without_query = rest.split('?').next().unwrap_or_default();
    let (credentials, location) = match without_query.rsplit_once('@') {
        Some((c, l)) => (c, l),
        None => ("", without_query),
    };
    let (user, password) = credentials.split_once(':').unwrap_or((credentials, ""));
    let (host, database) = match scheme {
        "sqlite" => ("(embedded)".to_owned(), location.to_owned()),
        _ => {
            let (host, db) = location.split_once('/').unwrap_or((location, ""));
            (host.to_owned(), db.to_owned())
        }
    };
    let masked = if password.is_empty() {
        String::new()
    } else {
        "••••••••".to_owned()
    };
    super::models::DatabaseLogin {
        backend: if scheme == "sqlite" {
            "SQLite".into()
        } else {
            "MariaDB/MySQL".into()
        },
        host,
        database,
        user: user.to_owned(),
        password: if reveal { password.to_owned() } else { masked },
        password_revealed: reveal,
    }
}

#[cfg(test)]
mod settings_tests {
    use super::*;

    #[test]
    fn database_logins_are_shown_masked() {
        let login = database_login("mysql://shop:geheim@db.example:3306/winkel_shop", false);
        assert_eq!(
            (
                login.host.as_str(),
                login.database.as_str(),
                login.user.as_str()
            ),
            ("db.example:3306", "winkel_shop", "shop")
        );
        assert_eq!(login.password, "••••••••");
        assert_eq!(
            database_login("mysql://shop:geheim@db/x", true).password,
            "geheim"
        );
        let embedded = database_login("sqlite://data/winkel.db?mode=rwc", true);
        assert_eq!(
            (
                embedded.backend.as_str(),
                embedded.database.as_str(),
                embedded.password.as_str()
            ),
            ("SQLite", "data/winkel.db", "")
        );
    }

    #[test]
    fn tls_parameters_do_not_break_the_masking() {
        let url = "mysql://shop:geheim@db.example:3306/winkel_shop?ssl-mode=VERIFY_IDENTITY&ssl-ca=/etc/db@prod/ca.pem";
        let login = database_login(url, false);
        assert_eq!(
            (
                login.host.as_str(),
                login.database.as_str(),
                login.user.as_str(),
                login.password.as_str()
            ),
            ("db.example:3306", "winkel_shop", "shop", "••••••••")
        );
        assert_eq!(database_login(url, true).password, "geheim");
    }
}

/// Dutch VAT rates a product can have, in basis points.
pub const VAT_RATES_BP: [i32; 3] = [2100, 900, 0];

/// Euros as a shop owner types them ("12,95", "12.95", "€ 1.234,50", "7")
/// to cents. At most two decimals; zero or more; below a million.
pub fn parse_price(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_start_matches('€')
        .trim()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    if cleaned.is_empty() || cleaned.starts_with('-') {
        return None;
    }
    // The last ',' or '.' followed by one or two digits is the decimal mark;
    // any other separators group thousands.
    let (whole, fraction) = match cleaned.rfind([',', '.']) {
        Some(at) if cleaned.len() - at - 1 <= 2 && at + 1 < cleaned.len() => {
            (&cleaned[..at], &cleaned[at + 1..])
        }
        _ => (cleaned.as_str(), ""),
    };
    let whole: String = whole.chars().filter(|c| *c != '.' && *c != ',').collect();
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole.chars().all(|c| c.is_ascii_digit()) || !fraction.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let euros: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let cents: i64 = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse().ok()?,
    };
    let total = euros.checked_mul(100)?.checked_add(cents)?;
    (total < 100_000_000).then_some(total)
}

/// The picture types accepted for products, recognised by their first
/// bytes (never by the name the browser sends). SVG is refused: it can
/// carry scripts.
pub fn image_extension(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("png")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("jpg")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("webp")
    } else {
        None
    }
}

pub const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;

#[cfg(test)]
mod catalog_tests {
    use super::*;

    #[test]
    fn prices_as_typed() {
        assert_eq!(parse_price("12,95"), Some(1295));
        assert_eq!(parse_price("12.95"), Some(1295));
        assert_eq!(parse_price("€ 1.234,50"), Some(123_450));
        assert_eq!(parse_price("1,234.5"), Some(123_450));
        assert_eq!(parse_price("7"), Some(700));
        assert_eq!(parse_price("0,5"), Some(50));
        assert_eq!(
            parse_price("1.000"),
            Some(100_000),
            "three digits after the dot group thousands"
        );
        for bad in ["", "-1", "abc", "12,3x", "€", "99999999"] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }

    #[test]
    fn images_by_their_bytes() {
        assert_eq!(image_extension(b"\x89PNG\r\n\x1a\nrest"), Some("png"));
        assert_eq!(image_extension(&[0xFF, 0xD8, 0xFF, 0xE0]), Some("jpg"));
        assert_eq!(image_extension(b"RIFF\0\0\0\0WEBPVP8 "), Some("webp"));
        assert_eq!(image_extension(b"<svg onload=alert(1)>"), None);
        assert_eq!(image_extension(b"GIF89a"), None);
    }
}
