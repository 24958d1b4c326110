//! Pages for visitors with a session, on SQLite and MariaDB, tried as an
//! attacker would try to get round what makes them fast (issue 13, goal 3):
//! a request that only reads writes no session row, a long-idle session is
//! still renewed, an ended session (logout, a new password, a lock) shows
//! nothing of its person at the very next request, even right after a page
//! view, the name in the header (read with the session row) follows the
//! account at once on every instance and is never stored in the session,
//! and the catalogue kept in memory follows a CMS change at once.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::session;
use axum::http::{header, StatusCode};
use chrono::{Duration, NaiveDateTime, SubsecRound};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tower_sessions::SessionStore;

on_both_databases!(
    reading_pages_writes_no_session_and_costs_one_query,
    a_long_idle_session_is_renewed_once,
    logout_ends_what_the_old_cookie_shows,
    a_new_password_ends_what_other_devices_show,
    a_locked_member_is_out_right_after_a_page_view,
    cms_sessions_are_written_once_per_tenth_of_the_idle_time,
    catalogue_changes_show_at_once_with_a_session,
    a_session_ended_mid_request_is_not_saved_back,
    the_header_name_is_read_with_the_session_and_never_stored,
);

pub const PASSWORD: &str = "vier koeien in de wei";
const STAFF_PASSWORD: &str = "eerste wachtwoord van de balie";

/// The customer's first name in `common::registration`: shown in the
/// header ("Mijn account (Marieke)") while logged in.
const FIRST_NAME: &str = "Marieke";

/// The pages a shopper visits, as a browser navigates to them.
pub const PAGES: [&str; 3] = ["/", "/products/espressobonen-amsterdam", "/cart"];

pub async fn add_espresso(client: &mut Client) {
    let product = client
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await;
    let id = product.json()["id"].to_string();
    let added = client
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
}

/// A shopper with the espresso in the cart.
pub async fn shopper(app: &TestApp) -> Client {
    let mut client = app.client();
    add_espresso(&mut client).await;
    assert!(
        client.cookie.is_some(),
        "adding to the cart starts a session"
    );
    client
}

/// A registered customer, logged in, with the espresso in the cart.
pub async fn customer(app: &TestApp, email: &str) -> Client {
    let mut client = app.client();
    let res = client.call("register", &common::registration(email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = client
        .call("login", &[("email", email), ("password", PASSWORD)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    add_espresso(&mut client).await;
    client
}

/// Marieke (registered by `customer`) logged in on a second device.
async fn second_device(app: &TestApp) -> Client {
    let mut phone = app.client();
    let res = phone
        .call(
            "login",
            &[("email", "marieke@example.nl"), ("password", PASSWORD)],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    phone
}

/// Every session row, by stored id: what a write would change.
async fn rows(app: &TestApp) -> Vec<session::Model> {
    let mut rows = session::Entity::find().all(&app.db).await.unwrap();
    rows.sort_by(|a, b| a.id.cmp(&b.id));
    rows
}

/// The row of the session whose cookie `client` holds.
async fn row_of(app: &TestApp, client: &Client) -> Option<session::Model> {
    let cookie = client.cookie.as_deref()?;
    let value = cookie.split_once('=')?.1;
    session::Entity::find_by_id(app::ssr::sha256_hex(value))
        .one(&app.db)
        .await
        .unwrap()
}

async fn set_expiry(app: &TestApp, id: &str, at: NaiveDateTime) {
    session::Entity::update_many()
        .col_expr(
            session::Column::ExpiresAt,
            sea_orm::sea_query::Expr::value(at),
        )
        .filter(session::Column::Id.eq(id))
        .exec(&app.db)
        .await
        .unwrap();
    // Days pass in a moment here: a kept row is at most a minute old in
    // real time (`session_cache::MAX_AGE`), so it goes too.
    app.state.session_cache.changed().await;
}

/// Database statements run by the shop so far (its `/metrics` count).
pub fn queries(app: &TestApp) -> u64 {
    queries_of(&app.state)
}

/// The statements one instance has run so far (its `/metrics`).
pub fn queries_of(instance: &app::ssr::state::AppState) -> u64 {
    instance
        .metrics
        .render()
        .lines()
        .find_map(|l| l.strip_prefix("winkel_db_query_duration_seconds_count "))
        .and_then(|n| n.parse().ok())
        .expect("the query count in /metrics")
}

fn sets_cookie(res: &common::Response, name: &str) -> Option<String> {
    res.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|c| c.starts_with(&format!("{name}=")))
        .map(str::to_owned)
}

fn max_age(cookie: &str) -> i64 {
    cookie
        .split(';')
        .find_map(|p| p.trim().strip_prefix("Max-Age="))
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no Max-Age in {cookie}"))
}

fn json(data: &[u8]) -> serde_json::Value {
    serde_json::from_slice(data).unwrap()
}

fn near(at: NaiveDateTime, expected: NaiveDateTime) -> bool {
    (at - expected).num_seconds().abs() < 120
}

async fn reading_pages_writes_no_session_and_costs_one_query(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut anna = shopper(&app).await;
    let mut marieke = customer(&app, "marieke@example.nl").await;
    // The first views load the catalogue into memory.
    for page in PAGES {
        assert_eq!(anna.get(page).await.status, StatusCode::OK);
    }
    let before = rows(&app).await;
    for (client, name, per_page) in [(&mut anna, "a cart", 1), (&mut marieke, "a login", 1)] {
        for page in PAGES {
            let start = queries(&app);
            let res = client.get(page).await;
            let used = queries(&app) - start;
            assert_eq!(res.status, StatusCode::OK, "{page}");
            assert!(res.body.contains("Espressobonen Amsterdam"), "{page}");
            assert_eq!(
                sets_cookie(&res, "winkel_session"),
                None,
                "{page} with {name} sends the cookie again"
            );
            // The session's row, with a customer's name joined in; the
            // catalogue comes from memory. Never a write.
            assert!(
                used <= per_page,
                "{page} with {name}: {used} statements, expected at most {per_page}"
            );
        }
        for endpoint in ["get_cart", "whoami"] {
            assert_eq!(client.call(endpoint, &[]).await.status, StatusCode::OK);
        }
    }
    assert!(
        marieke.get("/").await.body.contains(FIRST_NAME),
        "the header names the customer"
    );
    // A page that does not exist (the fallback's render) has her header too.
    let missing = marieke.get("/geen/pagina").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains(FIRST_NAME), "the 404 page's header");
    assert_eq!(crate::shared_parts::cart_count(&missing.body), "1");
    assert_eq!(
        rows(&app).await,
        before,
        "reading pages changed a session row"
    );
    app.finish().await;
}

async fn a_long_idle_session_is_renewed_once(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut anna = shopper(&app).await;
    let row = row_of(&app, &anna).await.expect("a stored session");
    // Whole seconds: MariaDB's DATETIME keeps no fraction.
    let now = app::ssr::now_utc().trunc_subsecs(0);
    assert!(near(row.expires_at, now + Duration::days(30)), "{row:?}");

    // A visit within the first tenth of the window leaves the row alone.
    set_expiry(&app, &row.id, now + Duration::days(28)).await;
    let res = anna.get("/").await;
    assert_eq!(sets_cookie(&res, "winkel_session"), None);
    assert_eq!(
        row_of(&app, &anna).await.unwrap().expires_at,
        now + Duration::days(28)
    );

    // Ten days without a visit: the next one pushes the end back by the
    // whole window, in the database and in the browser.
    set_expiry(&app, &row.id, now + Duration::days(20)).await;
    let res = anna.get("/products/espressobonen-amsterdam").await;
    assert_eq!(res.status, StatusCode::OK);
    let cookie = sets_cookie(&res, "winkel_session").expect("the cookie is renewed");
    assert!((max_age(&cookie) - 30 * 24 * 3600).abs() < 120, "{cookie}");
    let renewed = row_of(&app, &anna).await.expect("the same session");
    assert_eq!(renewed.id, row.id, "renewal keeps the session id");
    assert!(
        near(renewed.expires_at, now + Duration::days(30)),
        "{renewed:?}"
    );
    assert_eq!(
        json(&renewed.data),
        json(&row.data),
        "the cart is untouched"
    );

    // And it is written once: the next visit finds it fresh again.
    let res = anna.get("/cart").await;
    assert_eq!(sets_cookie(&res, "winkel_session"), None);
    assert!(res.body.contains("Espressobonen Amsterdam"));
    assert_eq!(row_of(&app, &anna).await.unwrap(), renewed);

    // A session past its end is gone, however the cookie is replayed.
    set_expiry(&app, &row.id, now - Duration::minutes(1)).await;
    let cart = anna.call("get_cart", &[]).await;
    assert_eq!(cart.json()["item_count"], 0, "{}", cart.body);
    app.finish().await;
}

/// Replays an old cookie, as someone who copied it would.
pub fn with_cookie(app: &TestApp, cookie: &str) -> Client {
    let mut client = app.client();
    client.cookie = Some(cookie.to_owned());
    client
}

/// What an old cookie shows must be no one's: no name in the header, no
/// cart, no profile.
async fn shows_nothing_of_marieke(app: &TestApp, cookie: &str) {
    let mut thief = with_cookie(app, cookie);
    for page in PAGES {
        let res = thief.get(page).await;
        assert!(
            !res.body.contains(FIRST_NAME),
            "{page} still names the customer"
        );
    }
    assert_eq!(
        thief.call("get_cart", &[]).await.json()["item_count"],
        0,
        "the old cart"
    );
    assert_eq!(
        thief.call("whoami", &[]).await.json(),
        serde_json::Value::Null
    );
    assert_eq!(
        thief.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let account = thief.get("/account").await;
    assert!(!account.body.contains("marieke@example.nl"));
}

async fn logout_ends_what_the_old_cookie_shows(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut marieke = customer(&app, "marieke@example.nl").await;
    let old = marieke.cookie.clone().unwrap();
    // Right after pages (and the catalogue) were served for the session.
    for page in PAGES {
        assert!(marieke.get(page).await.body.contains(FIRST_NAME));
    }
    assert_eq!(marieke.call("logout", &[]).await.status, StatusCode::OK);
    shows_nothing_of_marieke(&app, &old).await;
    app.finish().await;
}

async fn a_new_password_ends_what_other_devices_show(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut laptop = customer(&app, "marieke@example.nl").await;
    let mut phone = second_device(&app).await;
    let stolen = laptop.cookie.clone().unwrap();
    for page in PAGES {
        assert!(laptop.get(page).await.body.contains(FIRST_NAME));
    }
    // The password is changed on the phone (say, after the laptop was
    // stolen): the laptop's session ends, whatever it just viewed.
    let changed = phone
        .call(
            "change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "zes eenden op een rij"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    shows_nothing_of_marieke(&app, &stolen).await;
    assert!(phone.get("/").await.body.contains(FIRST_NAME));
    app.finish().await;
}

async fn a_locked_member_is_out_right_after_a_page_view(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, "owner@example.nl", STAFF_PASSWORD, true, &[]).await;
    let mut piet = common::staff_client(
        &app,
        "piet@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    assert_eq!(piet.get("/cms/customers").await.status, StatusCode::OK);
    assert_eq!(piet.call("cms_customers", &[]).await.status, StatusCode::OK);
    let staff = boss.call("cms_staff", &[]).await.json();
    let id = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["email"] == "piet@example.nl")
        .unwrap()["id"]
        .to_string();
    let locked = boss
        .call("cms_set_locked", &[("id", &id), ("locked", "true")])
        .await;
    assert_eq!(locked.status, StatusCode::OK, "{}", locked.body);
    let page = piet.get("/cms/customers").await;
    assert_eq!(
        (page.status, page.location().as_deref()),
        (StatusCode::SEE_OTHER, Some("/cms/login")),
        "{}",
        page.body
    );
    assert_eq!(
        piet.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn cms_sessions_are_written_once_per_tenth_of_the_idle_time(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut piet = common::staff_client(
        &app,
        "piet@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    let idle = Duration::minutes(30);
    let row = row_of(&app, &piet).await.expect("a CMS session");
    let fresh = rows(&app).await;
    for _ in 0..3 {
        let page = piet.get("/cms/customers").await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(sets_cookie(&page, "winkel_cms"), None);
        assert_eq!(piet.call("cms_customers", &[]).await.status, StatusCode::OK);
    }
    assert_eq!(rows(&app).await, fresh, "reading the CMS wrote its session");

    // Five idle minutes (more than a tenth of 30): the next request
    // restarts the idle clock, and the cookie's lifetime with it.
    let now = app::ssr::now_utc();
    set_expiry(&app, &row.id, now + idle - Duration::minutes(5)).await;
    let res = piet.call("cms_customers", &[]).await;
    assert_eq!(res.status, StatusCode::OK);
    let cookie = sets_cookie(&res, "winkel_cms").expect("the CMS cookie is renewed");
    assert_eq!(max_age(&cookie), idle.num_seconds(), "{cookie}");
    let touched = row_of(&app, &piet).await.unwrap();
    assert!(near(touched.expires_at, now + idle), "{touched:?}");
    // The same through a page (the CMS gate answers it).
    set_expiry(&app, &row.id, now + idle - Duration::minutes(5)).await;
    let page = piet.get("/cms/customers").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(sets_cookie(&page, "winkel_cms").is_some());
    assert!(near(
        row_of(&app, &piet).await.unwrap().expires_at,
        now + idle
    ));

    // The open dashboard's own refresh every minute is not the member's
    // activity: the idle clock keeps running, so a screen left open still
    // logs out.
    let running = now + idle - Duration::minutes(5);
    set_expiry(&app, &row.id, running).await;
    let refreshed = piet.call("cms_dashboard", &[("refresh", "true")]).await;
    assert_eq!(refreshed.status, StatusCode::OK, "{}", refreshed.body);
    assert_eq!(sets_cookie(&refreshed, "winkel_cms"), None);
    assert!(near(row_of(&app, &piet).await.unwrap().expires_at, running));
    let looked = piet.call("cms_dashboard", &[]).await;
    assert!(
        sets_cookie(&looked, "winkel_cms").is_some(),
        "a look is activity"
    );

    // Past the idle time it is over.
    set_expiry(&app, &row.id, now - Duration::seconds(1)).await;
    assert_eq!(
        piet.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn catalogue_changes_show_at_once_with_a_session(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut anna = shopper(&app).await;
    for page in PAGES {
        let res = anna.get(page).await;
        assert!(res.body.contains("Espressobonen Amsterdam"), "{page}");
    }
    let mut editor = common::staff_client(
        &app,
        "editor@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    let product = anna
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json();
    let id = product["id"].to_string();
    let category = product["category"]["id"].to_string();
    let mut form = vec![
        ("id", id.as_str()),
        ("category_id", category.as_str()),
        ("name", "Espressobonen Utrecht"),
        ("slug", "espressobonen-amsterdam"),
        ("description", "Nu uit Utrecht."),
        ("price", "99,95"),
        ("vat_rate", "9"),
        ("stock", "5"),
        ("active", "on"),
    ];
    let saved = editor.call("cms_save_product", &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    for page in PAGES {
        let res = anna.get(page).await;
        assert!(
            res.body.contains("Espressobonen Utrecht"),
            "{page} shows the old name"
        );
        assert!(!res.body.contains("Espressobonen Amsterdam"), "{page}");
    }
    assert!(anna.get("/cart").await.body.contains("99,95"));
    assert_eq!(
        anna.call("get_cart", &[]).await.json()["subtotal_cents"],
        9995
    );

    // Taken out of the shop: gone from the catalogue, the product page and
    // the cart at once.
    form.retain(|(k, _)| *k != "active");
    let hidden = editor.call("cms_save_product", &form).await;
    assert_eq!(hidden.status, StatusCode::OK, "{}", hidden.body);
    assert!(!anna.get("/").await.body.contains("Espressobonen Utrecht"));
    assert_eq!(
        anna.get("/products/espressobonen-amsterdam").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(anna.call("get_cart", &[]).await.json()["item_count"], 0);

    // A category renamed shows at once too.
    let categories = editor.call("cms_catalog", &[]).await.json();
    let first = &categories["categories"][0];
    let renamed = editor
        .call(
            "cms_save_category",
            &[
                ("id", &first["id"].to_string()),
                ("name", "Hernoemd"),
                ("slug", first["slug"].as_str().unwrap()),
                ("position", &first["position"].to_string()),
            ],
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert!(anna.get("/").await.body.contains("Hernoemd"));
    app.finish().await;
}

async fn a_session_ended_mid_request_is_not_saved_back(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let store = app::ssr::session_store::DbSessionStore::new(app.db.clone());
    let mut record = tower_sessions::session::Record {
        id: tower_sessions::session::Id::default(),
        data: [("customer_id".to_owned(), serde_json::json!(7))]
            .into_iter()
            .collect(),
        expiry_date: time::OffsetDateTime::now_utc() + time::Duration::days(30),
    };
    store.create(&mut record).await.unwrap();
    assert!(store.load(&record.id).await.unwrap().is_some());
    // A request holds the loaded record while the customer's sessions are
    // ended elsewhere (a new password, an erasure) ...
    store.delete_for_customer(7).await.unwrap();
    // ... and then saves it (a cart change, a renewal): it stays ended.
    record
        .data
        .insert("cart".into(), serde_json::json!([{"product_id": 1}]));
    store.save(&record).await.unwrap();
    assert_eq!(session::Entity::find().count(&app.db).await.unwrap(), 0);
    assert!(store.load(&record.id).await.unwrap().is_none());
    app.finish().await;
}

async fn the_header_name_is_read_with_the_session_and_never_stored(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut laptop = customer(&app, "marieke@example.nl").await;
    let (second, _) = app.second_instance();
    let mut phone = second_device(&app).await;
    phone.via(&second);
    for page in PAGES {
        assert!(laptop.get(page).await.body.contains(FIRST_NAME), "{page}");
    }

    // A new first name saved on the phone, through the other instance:
    // the laptop's very next page says it.
    let mut profile = common::registration("marieke@example.nl");
    profile.retain(|(k, _)| !matches!(*k, "password" | "email" | "first_name"));
    profile.push(("first_name", "Anneke"));
    let saved = phone.call("update_profile", &profile).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    for page in PAGES {
        let body = laptop.get(page).await.body;
        assert!(body.contains("Anneke"), "{page} shows the old name");
        assert!(!body.contains(FIRST_NAME), "{page} shows the old name");
    }
    assert_eq!(laptop.call("whoami", &[]).await.json(), "Anneke");

    // The session is written (a cart change): the name read with it is not.
    add_espresso(&mut laptop).await;
    let row = row_of(&app, &laptop).await.expect("the laptop's session");
    let stored = json(&row.data);
    assert_eq!(stored["cart"][0]["quantity"], 2, "{stored}");
    assert!(
        !String::from_utf8_lossy(&row.data).contains("Anneke"),
        "the name was stored in the session: {stored}"
    );

    // An account that can no longer log in (no password, as a guest's or
    // an anonymised row) is named nowhere, on the other instance too, and
    // the session holding it ends at that request.
    let stolen = laptop.cookie.clone().unwrap();
    app::ssr::entities::customer::Entity::update_many()
        .col_expr(
            app::ssr::entities::customer::Column::PasswordHash,
            sea_orm::sea_query::Expr::value(Option::<String>::None),
        )
        .exec(&app.db)
        .await
        .unwrap();
    let mut thief = with_cookie(&app, &stolen);
    thief.via(&second);
    let page = thief.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Anneke"), "a closed account is named");
    assert_eq!(
        thief.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(
        row_of(&app, &laptop).await.is_none(),
        "the session of a closed account goes on"
    );
    app.finish().await;
}
