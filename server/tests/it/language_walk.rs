//! Issue 16: every shop page in both languages, on a shop with an order, a
//! booking and a logged-in customer. An English page shows no word of the
//! shop's Dutch vocabulary outside an element marked `lang="nl"` (text
//! written in the CMS in Dutch only), and a Dutch page no English word
//! outside one marked `lang="en"` (the language switch).

use crate::common::{Backend, Client, TestApp};
use app::locale::Locale;
use axum::http::StatusCode;
use std::collections::BTreeSet;

on_both_databases!(no_word_of_the_other_language_on_any_page);

/// Words only Dutch uses, as the shop's pages would show them.
const DUTCH: &[&str] = &[
    "winkelwagen",
    "afrekenen",
    "bestelling",
    "bestellingen",
    "bestellen",
    "bestel",
    "inloggen",
    "uitloggen",
    "wachtwoord",
    "verzenden",
    "verzonden",
    "afhalen",
    "betaalwijze",
    "betalen",
    "nieuwsbrief",
    "privacyverklaring",
    "gegevens",
    "boeking",
    "boekingen",
    "boeken",
    "geboekt",
    "vraag",
    "vragen",
    "verstuur",
    "naam",
    "achternaam",
    "voornaam",
    "straat",
    "huisnummer",
    "woonplaats",
    "totaal",
    "aantal",
    "prijs",
    "btw",
    "voorraad",
    "uitverkocht",
    "toevoegen",
    "assortiment",
    "zoeken",
    "zoek",
    "terug",
    "bekijk",
    "jouw",
    "je",
    "jij",
    "het",
    "een",
    "van",
    "voor",
    "met",
    "niet",
    "geen",
    "naar",
    "ook",
    "alleen",
    "bij",
    "tot",
    "uit",
    "dit",
    "deze",
    "wij",
    "ons",
    "onze",
    "klant",
    "mijn",
    "verwijder",
    "verwijderen",
    "wijzigen",
    "opslaan",
    "annuleren",
    "geannuleerd",
    "januari",
    "februari",
    "maart",
    "mei",
    "juni",
    "juli",
    "augustus",
    "oktober",
    "vrij",
    "vol",
    "tijd",
    "datum",
    "maand",
    "vorige",
    "volgende",
    "bedankt",
    "welkom",
    "leverdatum",
    "levering",
    "afleveradres",
    "bedrijfsnaam",
    "telefoonnummer",
    "nederland",
    "nee",
    "en",
    "op",
    "dan",
    "als",
    "nog",
    "wel",
    "maar",
    "zijn",
    "wordt",
    "kan",
    "kunt",
    "moet",
    "heeft",
    "wat",
    "hoe",
    "waar",
    "nu",
    "pagina",
    "gevonden",
    "plaatsen",
    "verzendkosten",
    "subtotaal",
];

/// Words only English uses, as the shop's pages would show them.
const ENGLISH: &[&str] = &[
    "the",
    "your",
    "you",
    "cart",
    "order",
    "orders",
    "checkout",
    "password",
    "search",
    "add",
    "booking",
    "bookings",
    "book",
    "name",
    "price",
    "total",
    "shipping",
    "delivery",
    "newsletter",
    "question",
    "send",
    "and",
    "with",
    "for",
    "from",
    "please",
    "thank",
    "thanks",
    "back",
    "date",
    "time",
    "places",
    "free",
    "full",
    "statement",
    "street",
    "city",
    "country",
    "phone",
    "quantity",
    "stock",
    "sold",
    "remove",
    "update",
    "save",
    "cancel",
    "cancelled",
    "next",
    "previous",
    "month",
    "day",
    "about",
    "our",
    "my",
    "sign",
    "found",
    "page",
    "january",
    "march",
    "may",
    "june",
    "july",
    "october",
    "your",
    "yours",
];

async fn no_word_of_the_other_language_on_any_page(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let pages = ShopPages::make(&app).await;
    let mut found = Vec::new();
    for locale in Locale::ALL.iter().copied() {
        for (client, path, status) in pages.visits() {
            let client = match client {
                Who::Customer => &mut pages.customer.clone_session(&app),
                Who::Visitor => &mut app.client(),
            };
            let url = locale.href(path);
            let res = client.get(&url).await;
            assert_eq!(res.status, status, "{url}: {}", excerpt(&res.body));
            assert!(
                res.body
                    .contains(&format!("<html lang=\"{}\"", locale.as_str())),
                "{url} is not marked as {locale:?}"
            );
            if locale == Locale::En {
                for link in dutch_links(&res.body) {
                    found.push(format!("{url}: a link to the Dutch page {link}"));
                }
            }
            let text = visible_text(&res.body, locale);
            let vocabulary = match locale {
                Locale::Nl => ENGLISH,
                Locale::En => DUTCH,
            };
            for word in words(&text) {
                if vocabulary.contains(&word.as_str()) {
                    found.push(format!("{url}: {word:?} in “{}”", around(&text, &word)));
                }
            }
        }
    }
    // The CMS is Dutch only: no English copy of it to find or to guard.
    for path in ["/en/cms", "/en/cms/login", "/en/cms/customers"] {
        let res = app.client().get(path).await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{path}");
        assert!(!res.body.contains("cms-nav"), "{path} shows the CMS");
    }
    let found: BTreeSet<String> = found.into_iter().collect();
    assert!(
        found.is_empty(),
        "words of the other language:\n{}",
        found.into_iter().collect::<Vec<_>>().join("\n")
    );
    app.finish().await;
}

enum Who {
    Customer,
    Visitor,
}

/// The shop's pages in the state a real shop is in: a customer with an
/// order and a booking, something in the cart, the demo catalogue, items
/// and content pages.
struct ShopPages {
    customer: LoggedIn,
    paths: Vec<(Who, String, StatusCode)>,
}

struct LoggedIn {
    cookie: Option<String>,
}

impl LoggedIn {
    fn clone_session(&self, app: &TestApp) -> Client {
        let mut client = app.client();
        client.cookie = self.cookie.clone();
        client
    }
}

impl ShopPages {
    async fn make(app: &TestApp) -> Self {
        let (mut customer, _) =
            crate::bookings::log_in_new_customer(app, "rondgang@example.nl").await;
        let catalog = customer.call("get_catalog", &[]).await.json();
        let products: Vec<String> = catalog["products"]
            .as_array()
            .expect("products")
            .iter()
            .map(|p| p["slug"].as_str().unwrap().to_owned())
            .collect();
        let in_stock = catalog["products"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["in_stock"].as_bool() == Some(true))
            .and_then(|p| p["id"].as_i64())
            .expect("a product in stock");
        let id = in_stock.to_string();
        let res = customer
            .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let res = customer
            .call(
                "place_order",
                &crate::common::checkout("rondgang@example.nl"),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let order = res.json().as_str().expect("order token").to_owned();
        // Something in the cart again, for the cart and checkout pages.
        customer
            .call("add_to_cart", &[("product_id", &id), ("quantity", "2")])
            .await;

        let items = customer.call("get_bookables", &[]).await.json();
        let item_slugs: Vec<String> = items
            .as_array()
            .expect("bookable items")
            .iter()
            .map(|i| i["slug"].as_str().unwrap().to_owned())
            .collect();
        let slots = crate::bookings::free_slots(&mut customer, &item_slugs[0]).await;
        let (slot, _) = slots.first().expect("a free slot").clone();
        let res = customer
            .call(
                "book_slot",
                &crate::bookings::form(&item_slugs[0], &slot, "1"),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let booking = res.json().as_str().expect("booking token").to_owned();

        let pages = app::ssr::services::pages::list(&app.db)
            .await
            .expect("content pages");

        use StatusCode as S;
        let mut paths = vec![
            (Who::Visitor, "/".to_owned(), S::OK),
            (Who::Customer, "/".to_owned(), S::OK),
            (Who::Customer, "/cart".to_owned(), S::OK),
            (Who::Customer, "/checkout".to_owned(), S::OK),
            (Who::Customer, format!("/orders/{order}"), S::OK),
            (Who::Visitor, "/bookings".to_owned(), S::OK),
            (
                Who::Customer,
                format!("/bookings/confirmed/{booking}"),
                S::OK,
            ),
            (Who::Customer, "/account".to_owned(), S::OK),
            (Who::Customer, format!("/account/orders/{order}"), S::OK),
            (Who::Customer, "/account/delete".to_owned(), S::OK),
            (Who::Visitor, "/account/deleted".to_owned(), S::OK),
            (
                Who::Visitor,
                "/account/email?t=niet-geldig".to_owned(),
                S::OK,
            ),
            (Who::Visitor, "/login".to_owned(), S::OK),
            (Who::Visitor, "/login?registered=1".to_owned(), S::OK),
            (Who::Visitor, "/register".to_owned(), S::OK),
            (Who::Visitor, "/account/password/forgot".to_owned(), S::OK),
            (
                Who::Visitor,
                "/account/password/forgot?sent=1".to_owned(),
                S::OK,
            ),
            (
                Who::Visitor,
                "/account/password/reset?t=niet-geldig".to_owned(),
                S::OK,
            ),
            (Who::Visitor, "/privacy".to_owned(), S::OK),
            (Who::Visitor, "/privacy/request".to_owned(), S::OK),
            (Who::Visitor, "/contact".to_owned(), S::OK),
            (Who::Customer, "/contact".to_owned(), S::OK),
            (Who::Visitor, "/contact?sent=1".to_owned(), S::OK),
            (Who::Visitor, "/newsletter".to_owned(), S::OK),
            (Who::Visitor, "/newsletter?requested=1".to_owned(), S::OK),
            (
                Who::Visitor,
                "/newsletter/confirm?t=niet-geldig".to_owned(),
                S::OK,
            ),
            (
                Who::Visitor,
                "/newsletter/unsubscribe?t=niet-geldig".to_owned(),
                S::OK,
            ),
            (Who::Visitor, "/bestaat-niet".to_owned(), S::NOT_FOUND),
            (
                Who::Visitor,
                "/products/bestaat-niet".to_owned(),
                S::NOT_FOUND,
            ),
        ];
        for slug in &products {
            paths.push((Who::Visitor, format!("/products/{slug}"), S::OK));
        }
        for slug in &item_slugs {
            paths.push((Who::Customer, format!("/bookings/{slug}"), S::OK));
        }
        for page in pages.iter().filter(|p| p.published) {
            paths.push((Who::Visitor, format!("/{}", page.slug), S::OK));
        }
        Self {
            customer: LoggedIn {
                cookie: customer.cookie.clone(),
            },
            paths,
        }
    }

    fn visits(&self) -> impl Iterator<Item = (&Who, &str, StatusCode)> {
        self.paths
            .iter()
            .map(|(who, path, status)| (who, path.as_str(), *status))
    }
}

/// The shop pages an English page links to without `/en` (links of the
/// body: `<a href>` and `<form action>`), other than the language switch
/// and what has no language (downloads, pictures, server functions).
fn dutch_links(html: &str) -> Vec<String> {
    let body = html.find("<body").map_or(html, |at| &html[at..]);
    let mut links = Vec::new();
    let mut rest = body;
    while let Some(lt) = rest.find('<') {
        rest = &rest[lt + 1..];
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..gt];
        let target = if tag.starts_with("a ") {
            attribute_value(tag, "href")
        } else if tag.starts_with("form ") {
            attribute_value(tag, "action")
        } else {
            None
        };
        let switch = attribute_value(tag, "data-testid").as_deref() == Some("language-switch");
        if let Some(target) = target.filter(|_| !switch) {
            let languageless = ["/api/", "/uploads/", "/pkg/", "/account/export"]
                .iter()
                .any(|prefix| target.starts_with(prefix));
            if target.starts_with('/')
                && !target.starts_with("//")
                && !languageless
                && Locale::from_path(&target) != Locale::En
            {
                links.push(target);
            }
        }
    }
    links
}

/// The words of a text, lower case; a hyphenated word is one word
/// ("back-ups" is Dutch).
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphabetic() && c != '-')
        .map(|w| w.trim_matches('-'))
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Some text around the first place `word` occurs, for the failure message.
fn around(text: &str, word: &str) -> String {
    let lower = text.to_lowercase();
    let at = lower.find(word).unwrap_or(0);
    let start = lower[..at]
        .char_indices()
        .rev()
        .nth(40)
        .map_or(0, |(i, _)| i);
    let end = lower[at..]
        .char_indices()
        .nth(word.len() + 40)
        .map_or(lower.len(), |(i, _)| at + i);
    lower[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn excerpt(body: &str) -> String {
    body.chars().take(300).collect()
}

/// Elements that never have content or a closing tag.
const VOID: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track",
    "wbr",
];

/// Attributes a visitor reads (or hears) as text.
const READ_ATTRIBUTES: &[&str] = &["placeholder", "title", "aria-label", "alt"];

/// What a visitor of the page in `page` reads in its body: the text, the
/// attributes above and the labels of buttons, without scripts, styles,
/// comments and without every element marked as another language.
fn visible_text(html: &str, page: Locale) -> String {
    let body = html.find("<body").map_or(html, |at| &html[at..]);
    let mut out = String::new();
    let mut rest = body;
    // Depth inside an element in another language (or a script/style):
    // its name and how many of the same name are open inside it.
    let mut skipping: Option<(String, usize)> = None;
    while let Some(lt) = rest.find('<') {
        if skipping.is_none() {
            out.push_str(&decode(&rest[..lt]));
            out.push(' ');
        }
        rest = &rest[lt..];
        if let Some(comment) = rest.strip_prefix("<!--") {
            rest = comment.find("-->").map_or("", |end| &comment[end + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some((open, depth)) = &mut skipping {
                if *open == name {
                    if *depth == 0 {
                        skipping = None;
                    } else {
                        *depth -= 1;
                    }
                }
            }
            continue;
        }
        let name: String = tag
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or("")
            .to_ascii_lowercase();
        if VOID.contains(&name.as_str()) || tag.ends_with('/') {
            if skipping.is_none() {
                for attribute in READ_ATTRIBUTES {
                    if let Some(value) = attribute_value(tag, attribute) {
                        out.push_str(&decode(&value));
                        out.push(' ');
                    }
                }
                let button = matches!(
                    attribute_value(tag, "type").as_deref(),
                    Some("submit" | "button")
                );
                if button {
                    if let Some(value) = attribute_value(tag, "value") {
                        out.push_str(&decode(&value));
                        out.push(' ');
                    }
                }
            }
            continue;
        }
        match &mut skipping {
            Some((open, depth)) => {
                if *open == name {
                    *depth += 1;
                }
            }
            None => {
                let other_language =
                    attribute_value(tag, "lang").is_some_and(|lang| lang != page.as_str());
                if other_language || name == "script" || name == "style" || name == "template" {
                    skipping = Some((name, 0));
                } else {
                    for attribute in READ_ATTRIBUTES {
                        if let Some(value) = attribute_value(tag, attribute) {
                            out.push_str(&decode(&value));
                            out.push(' ');
                        }
                    }
                }
            }
        }
    }
    out
}

/// The value of `name="…"` in the inside of a tag.
fn attribute_value(tag: &str, name: &str) -> Option<String> {
    let mut search = tag;
    while let Some(at) = search.find(name) {
        let before = search[..at].chars().last();
        let after = &search[at + name.len()..];
        if before.is_some_and(char::is_whitespace) {
            if let Some(value) = after.strip_prefix("=\"") {
                return value.find('"').map(|end| value[..end].to_owned());
            }
        }
        search = after;
    }
    None
}

fn decode(text: &str) -> String {
    text.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", " ")
        .replace("&amp;", "&")
}

#[test]
fn the_visible_text_leaves_out_the_other_language() {
    let html = r#"<html lang="en"><body><h1 title="Hello">Your cart</h1>
        <p lang="nl">Plaid <b>van</b> wol<p>inner</p></p><!-- het --><script>var het;</script>
        <input placeholder="Search" type="submit" value="Send"/><a lang="en">English</a></body>"#;
    let text = visible_text(html, Locale::En);
    assert_eq!(
        words(&text),
        ["hello", "your", "cart", "search", "send", "english"],
        "{text}"
    );
    let text = visible_text(html, Locale::Nl);
    assert!(!words(&text).contains(&"english".to_owned()));
    assert!(words(&text).contains(&"plaid".to_owned()));
}
