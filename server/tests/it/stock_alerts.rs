//! Stock alerts (issue 20), on SQLite and MariaDB: the threshold is saved
//! and checked on the CMS product screen, the dashboard lists the products
//! at or below it to who may edit the catalogue, and the owner gets at
//! most one mail a day about them, however often and from however many
//! instances it is triggered.

use crate::common::{self, staff_client, Backend, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{outbox as outbox_row, product};
use app::ssr::services::stock_alerts::{self, AlertMail};
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    the_threshold_is_saved_and_checked,
    the_dashboard_lists_low_stock_to_catalogue_editors,
    the_owner_gets_one_alert_a_day,
);

const OWNER: &str = "eigenaar@example.nl";
const STAFF_PASSWORD: &str = "koffie en thee in de winkel";

/// The stock alerts mailed so far.
async fn alerts(app: &TestApp) -> Vec<String> {
    app.mails()
        .await
        .into_iter()
        .filter(|m| m.contains("Subject: Voorraad bijna op"))
        .collect()
}

async fn product_by_slug(app: &TestApp, slug: &str) -> product::Model {
    product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .one(&app.db)
        .await
        .expect("q")
        .expect("the product")
}

/// Sets a product's stock and threshold directly.
async fn stock(app: &TestApp, slug: &str, stock: i32, alert: Option<i32>) -> product::Model {
    let mut row: product::ActiveModel = product_by_slug(app, slug).await.into();
    row.stock = Set(stock);
    row.stock_alert = Set(alert);
    row.update(&app.db).await.expect("update")
}

async fn the_threshold_is_saved_and_checked(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut editor = staff_client(
        &app,
        "inkoop@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    let p = product_by_slug(&app, "espressobonen-amsterdam").await;
    let (id, category) = (p.id.to_string(), p.category_id.to_string());
    let form = |alert: &'static str| -> Vec<(&'static str, String)> {
        vec![
            ("id", id.clone()),
            ("category_id", category.clone()),
            ("name", p.name.clone()),
            ("slug", p.slug.clone()),
            ("price", "12,95".to_owned()),
            ("vat_rate", "9".to_owned()),
            ("stock", "20".to_owned()),
            ("stock_alert", alert.to_owned()),
            ("active", "on".to_owned()),
        ]
    };
    async fn save(
        editor: &mut common::Client,
        form: Vec<(&'static str, String)>,
    ) -> common::Response {
        let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        editor.call("cms_save_product", &pairs).await
    }
    for bad in ["-1", "10000", "vijf", "2.5", "99999999999"] {
        let res = save(&mut editor, form(bad)).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{bad}: {}",
            res.body
        );
        assert_eq!(res.json()["Validation"][0]["field"], "stock_alert", "{bad}");
        assert_eq!(
            res.json()["Validation"][0]["error"]["Number"]["max"],
            9999,
            "{bad}"
        );
    }
    assert_eq!(product_by_slug(&app, &p.slug).await.stock_alert, None);
    for (typed, stored) in [
        ("5", Some(5)),
        (" 9999 ", Some(9999)),
        ("0", Some(0)),
        ("", None),
    ] {
        let res = save(&mut editor, form(typed)).await;
        assert_eq!(res.status, StatusCode::OK, "{typed}: {}", res.body);
        assert_eq!(product_by_slug(&app, &p.slug).await.stock_alert, stored);
    }
    // The form shows the saved value.
    assert_eq!(save(&mut editor, form("7")).await.status, StatusCode::OK);
    let page = editor.get(&format!("/cms/catalog/products/{id}")).await;
    assert!(
        page.body.contains("name=\"stock_alert\"") && page.body.contains("value=\"7\""),
        "{}",
        page.body
    );
    app.finish().await;
}

async fn the_dashboard_lists_low_stock_to_catalogue_editors(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    stock(&app, "espressobonen-amsterdam", 3, Some(5)).await;
    let at = stock(&app, "filterkoffie-utrecht", 4, Some(4)).await;
    let above = stock(&app, "theepot-gietijzer", 6, Some(5)).await;
    let mut editor = staff_client(
        &app,
        "inkoop@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    let dashboard = editor.call("cms_dashboard", &[]).await.json();
    let low: Vec<(String, i64, i64)> = dashboard["low_stock"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["name"].as_str().unwrap().to_owned(),
                p["stock"].as_i64().unwrap(),
                p["threshold"].as_i64().unwrap(),
            )
        })
        .collect();
    let espresso = product_by_slug(&app, "espressobonen-amsterdam").await;
    assert_eq!(
        low,
        vec![(espresso.name.clone(), 3, 5), (at.name.clone(), 4, 4)],
        "at or below the threshold, lowest stock first"
    );
    assert!(!low.iter().any(|(name, _, _)| *name == above.name));
    let page = editor.get("/cms").await;
    assert!(page.body.contains("Voorraad bijna op") && page.body.contains(&espresso.name));

    // An inactive product is not sold: not listed.
    let mut row: product::ActiveModel = espresso.into();
    row.active = Set(false);
    row.update(&app.db).await.expect("update");
    assert_eq!(
        editor.call("cms_dashboard", &[]).await.json()["low_stock"]
            .as_array()
            .unwrap()
            .len(),
        1
    );

    // Who may not edit the catalogue does not see the list.
    let mut clerk = staff_client(
        &app,
        "kassa@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::OrdersView],
    )
    .await;
    let dashboard = clerk.call("cms_dashboard", &[]).await;
    assert_eq!(dashboard.status, StatusCode::OK, "{}", dashboard.body);
    assert_eq!(dashboard.json()["low_stock"], serde_json::json!([]));
    app.finish().await;
}

async fn the_owner_gets_one_alert_a_day(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    common::add_staff(&app.db, OWNER, STAFF_PASSWORD, true, &[]).await;
    common::add_staff(
        &app.db,
        "inkoop@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    let outbox = &app.state.outbox;
    let url = app.state.config.public_url.as_str();
    // A moment of today (shop time) at or before the real now, so the mail
    // it queues is due, and before 23:00 in Amsterdam, so "five minutes
    // later" is still the same day whenever CI runs.
    let real_now = app::ssr::now_utc();
    let late_evening = app::clock::shop_today(real_now)
        .and_hms_opt(23, 0, 0)
        .expect("a valid time");
    let now = real_now.min(app::clock::amsterdam_to_utc(late_evening));

    // Nothing low: no mail, and the day is not used up.
    stock(&app, "espressobonen-amsterdam", 3, None).await;
    assert_eq!(
        stock_alerts::mail_owner(&app.db, outbox, url, now)
            .await
            .unwrap(),
        AlertMail::NothingLow
    );
    assert!(alerts(&app).await.is_empty());

    // Low, and triggered by two instances at once: one mail.
    let low = stock(&app, "espressobonen-amsterdam", 3, Some(5)).await;
    let (a, b) = tokio::join!(
        stock_alerts::mail_owner(&app.db, outbox, url, now),
        stock_alerts::mail_owner(&app.db, outbox, url, now),
    );
    let mut outcomes = [a.unwrap(), b.unwrap()];
    outcomes.sort_by_key(|o| matches!(o, AlertMail::AlreadySent));
    assert_eq!(
        outcomes,
        [
            AlertMail::Queued {
                owners: 1,
                products: 1
            },
            AlertMail::AlreadySent
        ]
    );
    // And again later that day, also through the scheduler's job.
    assert_eq!(
        stock_alerts::mail_owner(&app.db, outbox, url, now + chrono::Duration::minutes(5))
            .await
            .unwrap(),
        AlertMail::AlreadySent
    );
    let job = winkel::jobs::stock_alerts::daily(outbox.clone(), url.to_owned());
    let ran = (job.run)(app.db.clone(), now).await.expect("the job runs");
    assert_eq!(ran.detail.as_deref(), Some("vandaag al gemaild"));

    let mails = alerts(&app).await;
    assert_eq!(mails.len(), 1, "one alert a day: {mails:?}");
    assert!(mails[0].contains(&format!("To: {OWNER}")), "to the owner");
    assert!(mails[0].contains(&format!(
        "- {}: nog 3 op voorraad (waarschuwen bij 5)",
        low.name
    )));
    assert!(mails[0].contains("https://winkel.example/cms"));

    // The next day: a new mail.
    let tomorrow = now + chrono::Duration::days(1);
    let ran = (job.run)(app.db.clone(), tomorrow)
        .await
        .expect("the job runs");
    assert!(ran.detail.unwrap().starts_with("1 product"));
    // Queued for tomorrow (the outbox sends it when its time has come).
    let queued = outbox_row::Entity::find()
        .filter(outbox_row::Column::Kind.eq("stock.alert"))
        .all(&app.db)
        .await
        .expect("q");
    assert_eq!(queued.len(), 1);
    // (MariaDB keeps whole seconds.)
    assert!(queued[0].next_attempt_at > tomorrow - chrono::Duration::seconds(1));
    app.finish().await;
}
