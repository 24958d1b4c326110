//! English next to Dutch (issue 16) for what staff write: the CMS keeps an
//! optional English name, description, title and text next to the Dutch
//! one; an English page shows the English text where written, else the
//! Dutch one marked `lang="nl"`, and a Dutch page shows only Dutch.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{bookable_item, category, page, product};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    a_product_shows_its_english_name_where_written,
    a_content_page_shows_its_english_version_where_written,
    a_bookable_item_shows_its_english_text_where_written,
);

const PASSWORD: &str = "een lang genoeg wachtwoord";

async fn staff(app: &TestApp, email: &str, right: Right) -> Client {
    common::staff_client(app, email, PASSWORD, false, &[right]).await
}

/// The opening tag of the `<tag>` element whose whole text is `text`
/// (Leptos may leave a `<!>` marker after it).
fn opening_tag<'a>(body: &'a str, tag: &str, text: &str) -> Option<&'a str> {
    let needle = format!(">{text}");
    let close = format!("</{tag}>");
    body.match_indices(&needle).find_map(|(end, _)| {
        let after = body[end + needle.len()..].trim_start_matches("<!>");
        if !after.starts_with(&close) {
            return None;
        }
        let start = body[..end].rfind(&format!("<{tag}"))?;
        Some(&body[start..=end])
    })
}

/// `<tag>` shows `text`, marked `lang="nl"` exactly when `dutch_marked`.
#[track_caller]
fn assert_shown(body: &str, tag: &str, text: &str, dutch_marked: bool) {
    let Some(opening) = opening_tag(body, tag, text) else {
        panic!("no <{tag}> with {text:?} in {body}");
    };
    assert_eq!(
        opening.contains(r#"lang="nl""#),
        dutch_marked,
        "{opening}{text}"
    );
    assert!(!opening.contains(r#"lang="en""#), "{opening}{text}");
}

fn field_errors(res: &common::Response) -> Vec<(String, String)> {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap().to_owned(),
                f["error"].to_string(),
            )
        })
        .collect()
}

async fn a_product_shows_its_english_name_where_written(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut editor = staff(&app, "inkoop@example.nl", Right::CatalogEdit).await;
    let keuken = category::Entity::find()
        .filter(category::Column::Slug.eq("keuken"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(keuken.name_en.as_deref(), Some("Kitchen"), "the demo seed");
    let keuken_id = keuken.id.to_string();
    let form = |name_en: &'static str, description_en: &'static str| {
        vec![
            ("category_id", keuken_id.clone()),
            ("name", "Broodplank Eiken".to_owned()),
            ("slug", String::new()),
            ("description", "Groot en stevig.".to_owned()),
            ("name_en", name_en.to_owned()),
            ("description_en", description_en.to_owned()),
            ("price", "€ 34,50".to_owned()),
            ("vat_rate", "21".to_owned()),
            ("stock", "4".to_owned()),
            ("active", "on".to_owned()),
        ]
    };
    let call = async |client: &mut Client, endpoint: &str, form: &[(&'static str, String)]| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client.call(endpoint, &pairs).await
    };

    // Validated like the Dutch name: too long is refused, with its field.
    let too_long = "x".repeat(151);
    let mut bad = form("", "");
    bad.retain(|(k, _)| *k != "name_en");
    bad.push(("name_en", too_long));
    let refused = call(&mut editor, "cms_save_product", &bad).await;
    assert_eq!(
        field_errors(&refused),
        vec![(
            "name_en".to_owned(),
            r#"{"TooLong":{"max":150}}"#.to_owned()
        )]
    );

    let created = call(
        &mut editor,
        "cms_save_product",
        &form("Oak bread board", "Large and sturdy."),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.json().as_i64().unwrap();
    let saved = product::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (saved.name_en.as_deref(), saved.description_en.as_deref()),
        (Some("Oak bread board"), Some("Large and sturdy."))
    );
    let admin = editor.call("cms_catalog", &[]).await.json();
    let row = admin["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .unwrap()
        .clone();
    assert_eq!(row["name_en"], "Oak bread board", "the form shows it again");

    let mut visitor = app.client();
    let english = visitor.get("/en/products/broodplank-eiken").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_shown(&english.body, "h1", "Oak bread board", false);
    assert_shown(&english.body, "p", "Large and sturdy.", false);
    assert!(!english.body.contains("Broodplank Eiken"), "no Dutch name");
    let dutch = visitor.get("/products/broodplank-eiken").await;
    assert_eq!(dutch.status, StatusCode::OK);
    assert_shown(&dutch.body, "h1", "Broodplank Eiken", false);
    assert!(!dutch.body.contains("Oak bread board"), "no English name");

    // The server function takes the page's language as an argument.
    let json = visitor
        .call(
            "get_product",
            &[("slug", "broodplank-eiken"), ("locale", "en")],
        )
        .await
        .json();
    assert_eq!(json["name"]["text"], "Oak bread board");
    assert_eq!(json["name"]["lang"], "en");
    assert_eq!(json["category"]["name"]["text"], "Kitchen");
    let json = visitor
        .call("get_product", &[("slug", "broodplank-eiken")])
        .await
        .json();
    assert_eq!(json["name"]["text"], "Broodplank Eiken", "Dutch by default");

    // Search finds it by its English name too, in either language.
    for locale in ["en", "nl"] {
        let found = visitor
            .call(
                "get_catalog",
                &[("query", "bread board"), ("locale", locale)],
            )
            .await
            .json();
        assert_eq!(
            found["products"].as_array().map(Vec::len),
            Some(1),
            "{locale}"
        );
    }

    // Blank English is none: the English page shows the Dutch, marked.
    let mut blank = form("  ", "");
    blank.push(("id", id.to_string()));
    let saved = call(&mut editor, "cms_save_product", &blank).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let row = product::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.name_en, row.description_en), (None, None));
    let english = visitor.get("/en/products/broodplank-eiken").await;
    assert_shown(&english.body, "h1", "Broodplank Eiken", true);
    assert_shown(&english.body, "p", "Groot en stevig.", true);
    let dutch = visitor.get("/products/broodplank-eiken").await;
    assert_shown(&dutch.body, "h1", "Broodplank Eiken", false);

    // A category's English name is kept the same way.
    let saved = editor
        .call(
            "cms_save_category",
            &[
                ("id", &keuken_id),
                ("name", "Keuken"),
                ("name_en", "Cooking"),
                ("slug", "keuken"),
                ("position", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let catalogue = visitor
        .call("get_catalog", &[("category", "keuken"), ("locale", "en")])
        .await
        .json();
    assert_eq!(catalogue["category"]["name"]["text"], "Cooking");
    app.finish().await;
}

async fn a_content_page_shows_its_english_version_where_written(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    // The demo's about page is written in both.
    let english = visitor.get("/en/over-ons").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_shown(&english.body, "h1", "About us", false);
    assert!(english.body.contains("<strong>honest goods</strong>"));
    assert!(english.body.contains(r#"href="/en/privacy""#));
    let dutch = visitor.get("/over-ons").await;
    assert_shown(&dutch.body, "h1", "Over ons", false);
    assert!(!dutch.body.contains("About us"));

    let mut writer = staff(&app, "redactie@example.nl", Right::PagesEdit).await;
    let created = writer
        .call(
            "cms_save_page",
            &[
                ("slug", ""),
                ("title", "Levering"),
                ("body_markdown", "Wij leveren **snel**."),
                ("published", "on"),
                ("title_en", "Delivery"),
                ("body_markdown_en", "We deliver **fast**."),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.json().to_string();
    let edit = writer.call("cms_page", &[("id", &id)]).await.json();
    assert_eq!(
        (&edit["title_en"], &edit["body_markdown_en"]),
        (
            &serde_json::json!("Delivery"),
            &serde_json::json!("We deliver **fast**.")
        )
    );
    let english = visitor.get("/en/levering").await;
    assert_shown(&english.body, "h1", "Delivery", false);
    assert!(english.body.contains("<strong>fast</strong>"));
    assert!(!english.body.contains("Wij leveren"));
    let dutch = visitor.get("/levering").await;
    assert_shown(&dutch.body, "h1", "Levering", false);
    assert!(dutch.body.contains("<strong>snel</strong>"));
    assert!(!dutch.body.contains("We deliver"));

    // Without English: the Dutch title and text, marked, on the English page.
    let saved = writer
        .call(
            "cms_save_page",
            &[
                ("id", &id),
                ("slug", "levering"),
                ("title", "Levering"),
                ("body_markdown", "Wij leveren **snel**."),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let row = page::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.title_en, row.body_markdown_en), (None, None));
    let english = visitor.get("/en/levering").await;
    assert_shown(&english.body, "h1", "Levering", true);
    let body = english.body.find("<strong>snel</strong>").unwrap();
    let content = english.body[..body].rfind("<div").unwrap();
    assert!(
        english.body[content..body].contains(r#"lang="nl""#),
        "the Dutch text is marked"
    );

    // An English title of more than 200 characters is refused.
    let long = "x".repeat(201);
    let refused = writer
        .call(
            "cms_save_page",
            &[
                ("id", &id),
                ("slug", "levering"),
                ("title", "Levering"),
                ("body_markdown", ""),
                ("title_en", &long),
            ],
        )
        .await;
    assert_eq!(
        field_errors(&refused),
        vec![(
            "title_en".to_owned(),
            r#"{"TooLong":{"max":200}}"#.to_owned()
        )]
    );
    app.finish().await;
}

async fn a_bookable_item_shows_its_english_text_where_written(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut visitor = app.client();
    // The demo's items are written in both.
    let english = visitor.get("/en/bookings/fietsreparatie").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_shown(&english.body, "h1", "Bike repair", false);
    let list = visitor
        .call("get_bookables", &[("locale", "en")])
        .await
        .json();
    let names: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["name"]["text"].as_str())
        .collect();
    assert!(names.contains(&"Pasta cooking workshop"), "{names:?}");

    let mut planner = staff(&app, "planning@example.nl", Right::BookingsEdit).await;
    let form = |name_en: &str| {
        vec![
            ("name", "Pottenbakken".to_owned()),
            ("slug", String::new()),
            ("description", "Samen aan de draaischijf.".to_owned()),
            ("name_en", name_en.to_owned()),
            ("description_en", "Together at the wheel.".to_owned()),
            ("price", "45".to_owned()),
            ("vat_rate", "21".to_owned()),
            ("duration_minutes", "120".to_owned()),
            ("slot_minutes", "120".to_owned()),
            ("capacity", "6".to_owned()),
            ("horizon_days", "60".to_owned()),
            ("cancel_hours", "24".to_owned()),
            ("active", "on".to_owned()),
        ]
    };
    let send = async |client: &mut Client, form: Vec<(&'static str, String)>| {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        client.call("cms_save_bookable", &pairs).await
    };
    let created = send(&mut planner, form("Pottery")).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.json().as_i64().unwrap();
    let admin = planner
        .call("cms_bookable", &[("id", &id.to_string())])
        .await
        .json();
    assert_eq!(admin["name_en"], "Pottery");
    assert_eq!(admin["description_en"], "Together at the wheel.");

    let english = visitor.get("/en/bookings/pottenbakken").await;
    assert_eq!(english.status, StatusCode::OK);
    assert_shown(&english.body, "h1", "Pottery", false);
    assert_shown(&english.body, "p", "Together at the wheel.", false);
    let dutch = visitor.get("/bookings/pottenbakken").await;
    assert_shown(&dutch.body, "h1", "Pottenbakken", false);
    assert!(!dutch.body.contains("Pottery"));

    // Without an English name: the Dutch one, marked, on the English page.
    let mut update = form("");
    update.push(("id", id.to_string()));
    let saved = send(&mut planner, update).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let row = bookable_item::Entity::find_by_id(i32::try_from(id).unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.name_en, None);
    let english = visitor.get("/en/bookings/pottenbakken").await;
    assert_shown(&english.body, "h1", "Pottenbakken", true);
    assert_shown(&english.body, "p", "Together at the wheel.", false);
    app.finish().await;
}
