//! The shop settings' defaults and the database login the settings screen
//! shows.

pub const DEFAULT_RETENTION_YEARS: u32 = 7;
pub const DEFAULT_BACKUPS_KEEP: u32 = 7;

/// The parts of a database URL the settings screen shows. `reveal` decides
/// whether the password is shown or masked.
pub fn database_login(url: &str, reveal: bool) -> crate::cms::models::DatabaseLogin {
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
    crate::cms::models::DatabaseLogin {
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
mod tests {
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
