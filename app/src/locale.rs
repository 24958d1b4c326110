//! The page's language, and the formats that go with it.
//!
//! The language is part of the URL: Dutch at `/…`, English under `/en/…`.
//! Nothing else chooses it: no cookie, no stored preference (nothing new to
//! consent to, and an anonymous page stays one cacheable response per URL).
//! Server functions learn it from the page that called them, its
//! `Referer` (see `ssr::request_locale`): a form posted without JavaScript
//! and a fetch from the hydrated page both send it, and leptos_axum already
//! relies on it to send a no-JavaScript form back to its page.

crate::stored::stored_enum! {
    /// A language the shop speaks. Stored with an order, booking or
    /// question, so that a later mail goes out in the visitor's language.
    pub enum Locale {
        Nl = "nl",
        En = "en",
    }
}

impl Default for Locale {
    /// Dutch is the shop's language.
    fn default() -> Self {
        Self::Nl
    }
}

/// The path prefix of the English pages.
const EN_PREFIX: &str = "/en";

impl Locale {
    /// The language of a page at `path` (a path, without origin).
    pub fn from_path(path: &str) -> Self {
        match path.strip_prefix(EN_PREFIX) {
            Some(rest) if rest.is_empty() || rest.starts_with(['/', '?', '#']) => Self::En,
            _ => Self::Nl,
        }
    }

    /// The language of the page at a full URL or a path (a `Referer`).
    pub fn from_url(url: &str) -> Self {
        let path = match url.split_once("://") {
            Some((_, rest)) => rest.find('/').map_or("/", |at| &rest[at..]),
            None => url,
        };
        Self::from_path(path)
    }

    /// The router's base path for this language.
    pub fn base(self) -> Option<&'static str> {
        match self {
            Self::Nl => None,
            Self::En => Some(EN_PREFIX),
        }
    }

    /// `path` (a Dutch, unprefixed shop path) in this language:
    /// `/cart` → `/en/cart`, `/` → `/en`. For plain `<a>` links, redirects
    /// and mails; `<A>` adds the router's base itself.
    pub fn href(self, path: &str) -> String {
        match self {
            Self::Nl => path.to_string(),
            Self::En if path == "/" => EN_PREFIX.to_string(),
            Self::En => format!("{EN_PREFIX}{path}"),
        }
    }

    /// The page at `path` (either language) as the unprefixed path.
    pub fn strip(path: &str) -> &str {
        match Self::from_path(path) {
            Self::Nl => path,
            Self::En => match &path[EN_PREFIX.len()..] {
                "" => "/",
                rest if rest.starts_with(['?', '#']) => "/",
                rest => rest,
            },
        }
    }

    /// The page at `path` (either language) with its `query` (with or
    /// without its `?`), in this language: the language switch and the
    /// `hreflang` alternates. The query goes after the language's path, so
    /// `/?category=x` becomes `/en?category=x`.
    pub fn same_page(self, path: &str, query: &str) -> String {
        let page = self.href(Self::strip(path));
        match query.trim_start_matches('?') {
            "" => page,
            query => format!("{page}?{query}"),
        }
    }

    /// The other language (the header's language switch).
    pub fn other(self) -> Self {
        match self {
            Self::Nl => Self::En,
            Self::En => Self::Nl,
        }
    }

    /// The name of this language in itself, for the switch.
    pub fn own_name(self) -> &'static str {
        match self {
            Self::Nl => "Nederlands",
            Self::En => "English",
        }
    }

    /// The language of the page being rendered. In the browser it is the
    /// page's URL (a language switch loads the other page anew); on the
    /// server `App` provides it from the request.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            leptos::prelude::use_context::<Self>().unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            // Read once: navigation inside the app never changes language.
            thread_local! {
                static PAGE: std::cell::OnceCell<Locale> = const { std::cell::OnceCell::new() };
            }
            PAGE.with(|page| {
                *page.get_or_init(|| {
                    leptos::prelude::window()
                        .location()
                        .pathname()
                        .map(|path| Self::from_path(&path))
                        .unwrap_or_default()
                })
            })
        }
    }
}

/// A text staff wrote in the CMS, in the language shown: the English one
/// on an English page where it is written, else the Dutch one. An element
/// showing it carries `lang` when it differs from the page's (`lang_attr`),
/// so that a screen reader and a translator know.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Written {
    pub text: String,
    pub lang: Locale,
}

impl Written {
    /// The text for a page in `locale`: English where written (not blank).
    pub fn pick(locale: Locale, dutch: String, english: Option<String>) -> Self {
        match (locale, english) {
            (Locale::En, Some(english)) if !english.trim().is_empty() => Self {
                text: english,
                lang: Locale::En,
            },
            _ => Self {
                text: dutch,
                lang: Locale::Nl,
            },
        }
    }

    /// Dutch only (texts with no English version).
    pub fn dutch(text: String) -> Self {
        Self {
            text,
            lang: Locale::Nl,
        }
    }

    /// The `lang` attribute of an element showing it on a page in
    /// `page`: set only where the two differ.
    pub fn lang_attr(&self, page: Locale) -> Option<&'static str> {
        (self.lang != page).then(|| self.lang.as_str())
    }
}

impl std::fmt::Display for Written {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// `path` (a shop path) in the language of the page being rendered, for
/// every link of the shop. leptos_router 0.8's `<A>` and `<Form>` leave an
/// absolute path as written (the router's base applies to relative ones
/// only), so an English page's links name `/en` themselves.
pub fn page_href(path: &str) -> String {
    Locale::current().href(path)
}

/// `€ 1.234,56` in Dutch, `€1,234.56` in English.
pub fn price_in(locale: Locale, cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let abs = cents.unsigned_abs();
    let (group, decimal, space) = match locale {
        Locale::Nl => ('.', ',', " "),
        Locale::En => (',', '.', ""),
    };
    let euros = (abs / 100).to_string();
    let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
    for (i, ch) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push(group);
        }
        grouped.push(ch);
    }
    format!("{sign}€{space}{grouped}{decimal}{:02}", abs % 100)
}

/// A price in the language of the page being rendered.
pub fn price(cents: i64) -> String {
    price_in(Locale::current(), cents)
}

const MONTHS_NL: [&str; 12] = [
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
];
const MONTHS_EN: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const WEEKDAYS_NL: [&str; 7] = ["ma", "di", "wo", "do", "vr", "za", "zo"];
const WEEKDAYS_EN: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/// The name of a month (`1..=12`): `maart`, `March`.
pub fn month_name(locale: Locale, month: u32) -> &'static str {
    let index = (month.clamp(1, 12) - 1) as usize;
    match locale {
        Locale::Nl => MONTHS_NL[index],
        Locale::En => MONTHS_EN[index],
    }
}

/// The short name of a weekday, Monday first: `ma`, `Mon`.
pub fn weekday_name(locale: Locale, weekday: chrono::Weekday) -> &'static str {
    let index = weekday.num_days_from_monday() as usize;
    match locale {
        Locale::Nl => WEEKDAYS_NL[index],
        Locale::En => WEEKDAYS_EN[index],
    }
}

/// `14 maart 2027`, `14 March 2027`.
pub fn date_in(locale: Locale, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{} {} {}", d.day(), month_name(locale, d.month()), d.year())
}

/// `za 14 maart 2027`, `Sat 14 March 2027`.
pub fn day_in(locale: Locale, d: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!(
        "{} {}",
        weekday_name(locale, d.weekday()),
        date_in(locale, d)
    )
}

/// `14 maart 2027, 09:30` (times are Europe/Amsterdam wall-clock times:
/// the caller converts before it formats).
pub fn date_time_in(locale: Locale, d: chrono::NaiveDateTime) -> String {
    format!("{}, {}", date_in(locale, d.date()), d.format("%H:%M"))
}

/// A date in the language of the page being rendered.
pub fn date(d: chrono::NaiveDate) -> String {
    date_in(Locale::current(), d)
}

/// A date and time in the language of the page being rendered.
pub fn date_time(d: chrono::NaiveDateTime) -> String {
    date_time_in(Locale::current(), d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn the_path_names_the_language() {
        assert_eq!(Locale::from_path("/"), Locale::Nl);
        assert_eq!(Locale::from_path("/cart"), Locale::Nl);
        assert_eq!(Locale::from_path("/en"), Locale::En);
        assert_eq!(Locale::from_path("/en/cart"), Locale::En);
        assert_eq!(Locale::from_path("/en?x=1"), Locale::En);
        // A content page whose slug starts with "en" is Dutch.
        assert_eq!(Locale::from_path("/engels-linnen"), Locale::Nl);
        assert_eq!(
            Locale::from_url("https://winkel.test/en/products/plaid"),
            Locale::En
        );
        assert_eq!(Locale::from_url("http://127.0.0.1:3000/en"), Locale::En);
        assert_eq!(Locale::from_url("http://127.0.0.1:3000"), Locale::Nl);
        assert_eq!(Locale::from_url("http://x/cart?lang=/en/"), Locale::Nl);
    }

    #[test]
    fn paths_move_between_languages() {
        assert_eq!(Locale::En.href("/"), "/en");
        assert_eq!(Locale::En.href("/cart"), "/en/cart");
        assert_eq!(Locale::En.href("/contact?sent=1"), "/en/contact?sent=1");
        assert_eq!(Locale::Nl.href("/cart"), "/cart");
        assert_eq!(Locale::strip("/en"), "/");
        assert_eq!(Locale::strip("/en/cart"), "/cart");
        assert_eq!(Locale::strip("/cart"), "/cart");
        assert_eq!(Locale::strip("/engels-linnen"), "/engels-linnen");
        for path in ["/", "/cart", "/products/plaid", "/engels-linnen"] {
            for locale in Locale::ALL {
                assert_eq!(Locale::from_path(&locale.href(path)), *locale);
                assert_eq!(Locale::strip(&locale.href(path)), path);
            }
        }
    }

    #[test]
    fn the_same_page_in_the_other_language_keeps_its_query() {
        assert_eq!(
            Locale::En.same_page("/", "category=keuken"),
            "/en?category=keuken"
        );
        assert_eq!(
            Locale::Nl.same_page("/en", "?category=keuken"),
            "/?category=keuken"
        );
        assert_eq!(
            Locale::En.same_page("/bookings/x", "maand=2027-03"),
            "/en/bookings/x?maand=2027-03"
        );
        assert_eq!(Locale::Nl.same_page("/en/cart", ""), "/cart");
    }

    #[test]
    fn english_text_where_written_else_dutch_marked() {
        let w = Written::pick(Locale::En, "Plaid".into(), Some("Throw".into()));
        assert_eq!((w.text.as_str(), w.lang_attr(Locale::En)), ("Throw", None));
        let w = Written::pick(Locale::En, "Plaid".into(), Some("  ".into()));
        assert_eq!(
            (w.text.as_str(), w.lang_attr(Locale::En)),
            ("Plaid", Some("nl"))
        );
        let w = Written::pick(Locale::Nl, "Plaid".into(), Some("Throw".into()));
        assert_eq!((w.text.as_str(), w.lang_attr(Locale::Nl)), ("Plaid", None));
    }

    #[test]
    fn prices_per_language() {
        assert_eq!(price_in(Locale::Nl, 123_456), "€ 1.234,56");
        assert_eq!(price_in(Locale::En, 123_456), "€1,234.56");
        assert_eq!(price_in(Locale::En, 5), "€0.05");
        assert_eq!(price_in(Locale::En, -250), "-€2.50");
        assert_eq!(price_in(Locale::Nl, 100_000_000), "€ 1.000.000,00");
    }

    #[test]
    fn dates_per_language() {
        let d = NaiveDate::from_ymd_opt(2027, 3, 14).unwrap();
        assert_eq!(date_in(Locale::Nl, d), "14 maart 2027");
        assert_eq!(date_in(Locale::En, d), "14 March 2027");
        assert_eq!(day_in(Locale::Nl, d), "zo 14 maart 2027");
        assert_eq!(day_in(Locale::En, d), "Sun 14 March 2027");
        let t = d.and_hms_opt(9, 30, 0).unwrap();
        assert_eq!(date_time_in(Locale::En, t), "14 March 2027, 09:30");
    }
}
