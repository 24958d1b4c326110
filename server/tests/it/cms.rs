//! The CMS over HTTP, on SQLite and MariaDB: staff login, rights checked on
//! the server for every CMS function, locking, the audit log.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{audit_log, customer, order};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    every_cms_function_checks_its_right,
    staff_login_session_and_first_password,
    locking_ends_sessions_at_once,
    customers_are_searched_viewed_edited_and_deleted_with_audit,
    orders_move_through_their_life_cycle,
    settings_show_the_database_login_masked_and_audit_reveals,
    catalogue_is_edited_and_pictures_are_checked,
    content_pages_are_sanitised_and_the_privacy_statement_is_live,
    a_change_and_its_audit_entry_commit_together,
);

const OWNER_PASSWORD: &str = "de winkel gaat om negen open";
const STAFF_PASSWORD: &str = "eerste wachtwoord van de balie";

/// Endpoints open to any logged-in staff member (or to everyone, to log in).
const WITHOUT_RIGHT: [&str; 10] = [
    "/api/cms_login",
    "/api/cms_login_code",
    "/api/cms_logout",
    "/api/cms_me",
    "/api/cms_change_password",
    // The member's own second factor (staff_totp.rs tests them).
    "/api/cms_second_factor",
    "/api/cms_second_factor_begin",
    "/api/cms_second_factor_confirm",
    "/api/cms_second_factor_off",
    // Counts only, no personal data.
    "/api/cms_dashboard",
];

/// A value for every parameter name any CMS function takes. A new function
/// with a new parameter fails the matrix below (400 instead of 403) until
/// its sample is added here, so it cannot slip through unchecked.
pub(crate) const SAMPLE_ARGUMENTS: &[(&str, &str)] = &[
    ("id", "999999"),
    ("query", ""),
    ("email", "nieuw@example.nl"),
    ("password", "een lang genoeg wachtwoord"),
    ("rights[]", "customers.view"),
    ("locked", "true"),
    ("action", ""),
    ("entity", ""),
    ("first_name", "Test"),
    ("status", "paid"),
    ("shop_name", "Winkel"),
    ("contact_email", ""),
    ("retention_years", "7"),
    ("backups_keep", "7"),
    ("name", "Nieuw"),
    ("slug", ""),
    ("position", "1"),
    ("category_id", "1"),
    ("price", "1,00"),
    ("vat_rate", "21"),
    ("stock", "1"),
    ("title", "Titel"),
    ("body_markdown", ""),
    ("published", "on"),
    ("answer", "Bedankt voor je vraag."),
    ("span", "week"),
    ("item", ""),
    ("date", "2026-12-14"),
    ("time", "19:00"),
    ("weekday", "0"),
    ("opens", "09:00"),
    ("closes", "17:00"),
    ("duration_minutes", "60"),
    ("slot_minutes", "60"),
    ("capacity", "1"),
    ("horizon_days", "30"),
    ("cancel_hours", "24"),
    ("member", "999999"),
    ("customer", "999999"),
    ("code", "123456"),
    ("current_password", "een lang genoeg wachtwoord"),
    ("new_password", "een ander lang genoeg wachtwoord"),
];

async fn owner(app: &TestApp) -> Client {
    common::staff_client(app, "owner@example.nl", OWNER_PASSWORD, true, &[]).await
}

/// A staff member with exactly these rights, logged in, password chosen.
async fn staff_with(app: &TestApp, email: &str, rights: &[Right]) -> Client {
    common::staff_client(app, email, STAFF_PASSWORD, false, rights).await
}

fn cms_endpoints() -> Vec<String> {
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|p| p.starts_with("/api/cms_"))
        .collect();
    paths.sort();
    paths.dedup();
    paths
}

async fn every_cms_function_checks_its_right(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let endpoints = cms_endpoints();
    assert!(
        endpoints.len() >= 12,
        "the CMS functions are registered: {endpoints:?}"
    );
    let mut nobody = app.client();
    let mut powerless = staff_with(&app, "kassa@example.nl", &[]).await;
    let mut boss = owner(&app).await;
    for path in &endpoints {
        if WITHOUT_RIGHT.contains(&path.as_str()) {
            continue;
        }
        let endpoint = path.trim_start_matches("/api/");
        let anonymous = nobody.call(endpoint, SAMPLE_ARGUMENTS).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{path} without login: {}",
            anonymous.body
        );
        let refused = powerless.call(endpoint, SAMPLE_ARGUMENTS).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path} without its right: {}",
            refused.body
        );
        let allowed = boss.call(endpoint, SAMPLE_ARGUMENTS).await;
        assert!(
            ![
                StatusCode::UNAUTHORIZED,
                StatusCode::FORBIDDEN,
                StatusCode::BAD_REQUEST
            ]
            .contains(&allowed.status),
            "{path} as the owner: {} {}",
            allowed.status,
            allowed.body
        );
    }
    // One right opens exactly its own door.
    let mut viewer = staff_with(&app, "kijker@example.nl", &[Right::CustomersView]).await;
    assert_eq!(
        viewer.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        viewer
            .call("cms_update_customer", SAMPLE_ARGUMENTS)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        viewer.call("cms_staff", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    app.finish().await;
}

async fn staff_login_session_and_first_password(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = owner(&app).await;
    let cookie = boss.cookie.clone().expect("cms cookie");
    assert!(cookie.starts_with("winkel_cms="), "{cookie}");
    // CMS pages render only for staff; anyone else goes to the CMS login.
    let page = boss.get("/cms/customers").await;
    assert_eq!(page.status, StatusCode::OK);
    let mut stranger = app.client();
    let refused = stranger.get("/cms/customers").await;
    assert_eq!(
        (refused.status, refused.location().as_deref()),
        (StatusCode::SEE_OTHER, Some("/cms/login"))
    );
    assert_eq!(stranger.get("/cms/login").await.status, StatusCode::OK);
    let me = boss.call("cms_me", &[]).await.json();
    assert_eq!(
        (me["email"].as_str(), me["is_owner"].as_bool()),
        (Some("owner@example.nl"), Some(true))
    );

    // The owner creates a member; weak first passwords are refused.
    let weak = boss
        .call(
            "cms_create_staff",
            &[
                ("email", "jan@example.nl"),
                ("password", "kort wachtw"),
                ("rights[]", "orders.view"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let created = boss
        .call(
            "cms_create_staff",
            &[
                ("email", "jan@example.nl"),
                ("password", STAFF_PASSWORD),
                ("rights[]", "customers.view"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let twice = boss
        .call(
            "cms_create_staff",
            &[("email", "jan@example.nl"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(twice.json()["Validation"][0]["error"], "EmailUnavailable");

    // The new member must choose their own password before anything else.
    let mut jan = app.client();
    assert_eq!(
        jan.call(
            "cms_login",
            &[("email", "jan@example.nl"), ("password", "fout")]
        )
        .await
        .status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        jan.call(
            "cms_login",
            &[("email", "jan@example.nl"), ("password", STAFF_PASSWORD)]
        )
        .await
        .status,
        StatusCode::OK
    );
    let blocked = jan.call("cms_customers", &[]).await;
    assert_eq!(
        (blocked.status, blocked.json()),
        (
            StatusCode::FORBIDDEN,
            serde_json::json!("PasswordChangeRequired")
        )
    );
    let same = jan
        .call(
            "cms_change_password",
            &[
                ("current_password", STAFF_PASSWORD),
                ("new_password", STAFF_PASSWORD),
            ],
        )
        .await;
    assert_eq!(same.status, StatusCode::UNPROCESSABLE_ENTITY);
    let changed = jan
        .call(
            "cms_change_password",
            &[
                ("current_password", STAFF_PASSWORD),
                ("new_password", "mijn eigen geheime zin"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(jan.call("cms_customers", &[]).await.status, StatusCode::OK);

    // The shop's customer cookie is no CMS login, and vice versa.
    let mut shopper = app.client();
    shopper
        .call("add_to_cart", &[("product_id", "1"), ("quantity", "1")])
        .await;
    assert_eq!(
        shopper.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );

    assert_eq!(jan.call("cms_logout", &[]).await.status, StatusCode::OK);
    assert_eq!(
        jan.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    app.finish().await;
}

async fn locking_ends_sessions_at_once(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = owner(&app).await;
    let mut laptop = staff_with(&app, "piet@example.nl", &[Right::CustomersView]).await;
    let mut phone = app.client();
    phone
        .call(
            "cms_login",
            &[("email", "piet@example.nl"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(
        laptop.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );
    assert_eq!(
        phone.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );

    let staff = boss.call("cms_staff", &[]).await.json();
    let piet = staff
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["email"] == "piet@example.nl")
        .unwrap()["id"]
        .to_string();
    assert_eq!(
        boss.call("cms_set_locked", &[("id", &piet), ("locked", "true")])
            .await
            .status,
        StatusCode::OK
    );
    // Mid-session: the very next request of each device is refused.
    assert_eq!(
        laptop.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        phone.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let relogin = laptop
        .call(
            "cms_login",
            &[("email", "piet@example.nl"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(
        relogin.status,
        StatusCode::UNAUTHORIZED,
        "a locked member cannot log in"
    );
    // Nobody locks the owner, not even themselves.
    let me = boss.call("cms_me", &[]).await.json()["id"].to_string();
    assert_eq!(
        boss.call("cms_set_locked", &[("id", &me), ("locked", "true")])
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // A lock means "suspected leak": unlocking needs a new password, and
    // the old one no longer opens the account.
    let without = boss
        .call("cms_set_locked", &[("id", &piet), ("locked", "false")])
        .await;
    assert_eq!(without.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(without.json()["Validation"][0]["field"], "password");
    let temporary = "een nieuw tijdelijk wachtwoord";
    assert_eq!(
        boss.call(
            "cms_set_locked",
            &[("id", &piet), ("locked", "false"), ("password", temporary)]
        )
        .await
        .status,
        StatusCode::OK
    );
    let old = laptop
        .call(
            "cms_login",
            &[("email", "piet@example.nl"), ("password", STAFF_PASSWORD)],
        )
        .await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED);
    let back = laptop
        .call(
            "cms_login",
            &[("email", "piet@example.nl"), ("password", temporary)],
        )
        .await;
    assert_eq!(back.status, StatusCode::OK);
    assert_eq!(
        laptop.call("cms_customers", &[]).await.status,
        StatusCode::FORBIDDEN,
        "nothing opens before the member chose their own password"
    );
    let audit: Vec<String> = audit_log::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    // The two list pages Piet read before the lock, then the lock itself.
    assert_eq!(
        audit,
        vec![
            "customer.list",
            "customer.list",
            "staff.lock",
            "staff.unlock"
        ]
    );
    app.finish().await;
}

async fn customers_are_searched_viewed_edited_and_deleted_with_audit(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // 120 guest customers through the real checkout... is slow; insert them.
    let now = app::ssr::now_utc();
    let mut rows = Vec::new();
    for i in 0..120 {
        let data = app::customer::CustomerInput {
            email: Some(format!("klant{i:03}@example.nl")),
            first_name: Some("Klant".into()),
            last_name: Some(if i == 7 {
                "Zevenhuizen".into()
            } else {
                format!("Achternaam{i:03}")
            }),
            street: Some("Straat".into()),
            house_number: Some("1".into()),
            postcode: Some("1234 AB".into()),
            city: Some("Utrecht".into()),
            country: Some("NL".into()),
            phone: Some("0612345678".into()),
            ..Default::default()
        }
        .validate()
        .unwrap();
        rows.push(app::ssr::services::accounts::new_customer(&data, None, now));
    }
    customer::Entity::insert_many(rows)
        .exec(&app.db)
        .await
        .unwrap();
    let mut boss = owner(&app).await;

    let first = boss.call("cms_customers", &[]).await.json();
    assert_eq!(first["rows"].as_array().map(Vec::len), Some(50));
    let after = first["next_after"].to_string();
    let second = boss
        .call("cms_customers", &[("after", &after)])
        .await
        .json();
    let third = boss
        .call(
            "cms_customers",
            &[("after", &second["next_after"].to_string())],
        )
        .await
        .json();
    assert_eq!(third["rows"].as_array().map(Vec::len), Some(20));
    assert!(third["next_after"].is_null());
    let mut seen: Vec<i64> = [&first, &second, &third]
        .iter()
        .flat_map(|p| {
            p["rows"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap())
        })
        .collect();
    seen.dedup();
    assert_eq!(seen.len(), 120, "every customer exactly once");
    let found = boss
        .call("cms_customers", &[("query", "Zeven")])
        .await
        .json();
    assert_eq!(found["rows"][0]["email"], "klant007@example.nl");
    let by_email = boss
        .call("cms_customers", &[("query", "klant11")])
        .await
        .json();
    assert_eq!(
        by_email["rows"].as_array().map(Vec::len),
        Some(0),
        "a query without @ searches last names"
    );
    let by_email = boss
        .call("cms_customers", &[("query", "klant11@")])
        .await
        .json();
    assert_eq!(by_email["rows"].as_array().map(Vec::len), Some(0));
    let by_email = boss
        .call("cms_customers", &[("query", "klant110@example")])
        .await
        .json();
    assert_eq!(by_email["rows"].as_array().map(Vec::len), Some(1));

    let id = found["rows"][0]["id"].to_string();
    let detail = boss.call("cms_customer", &[("id", &id)]).await;
    assert_eq!(detail.status, StatusCode::OK);
    let detail = detail.json();
    assert_eq!(detail["has_account"], false);
    assert!(
        !detail.to_string().contains("password"),
        "no password or hash reaches the browser"
    );

    let edited = boss
        .call(
            "cms_update_customer",
            &[
                ("id", &id),
                ("email", "k7@example.nl"),
                ("first_name", "Karel"),
                ("last_name", "Zevenhuizen"),
                ("street", "Laan"),
                ("house_number", "2"),
                ("postcode", "3511AB"),
                ("city", "Utrecht"),
                ("country", "NL"),
                ("phone", "0612345678"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
    assert_eq!(edited.json()["profile"]["first_name"], "Karel");
    let bad = boss
        .call("cms_update_customer", &[("id", &id), ("email", "kapot")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(
        boss.call("cms_delete_customer", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    assert!(customer::Entity::find_by_id(id.parse::<i32>().unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        boss.call("cms_customer", &[("id", &id)]).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(order::Entity::find().count(&app.db).await.unwrap(), 0);

    let audit = boss
        .call("cms_audit", &[("entity", "customer")])
        .await
        .json();
    let actions: Vec<&str> = audit
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["action"].as_str())
        .collect();
    // Newest first: the erasure, the edit, the view, and before them every
    // page of the list and every search (3 pages, 4 searches).
    assert_eq!(
        actions,
        [
            vec!["customer.delete", "customer.edit", "customer.view"],
            vec!["customer.list"; 7]
        ]
        .concat()
    );
    assert_eq!(audit[0]["staff_email"], "owner@example.nl");
    assert_eq!(audit[0]["entity_id"].to_string(), id);
    let rows = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("customer"))
        .all(&app.db)
        .await
        .unwrap();
    for row in rows {
        let text = format!("{row:?}");
        assert!(
            !text.contains("Karel") && !text.contains("Zeven") && !text.contains("127.0.0.1"),
            "the audit log holds no personal data: {text}"
        );
    }
    app.finish().await;
}

async fn orders_move_through_their_life_cycle(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // "Today" on the dashboard and in the date filter is the shop's day.
    common::clear_of_the_hour().await;
    let mut shopper = app.client();
    let pot = shopper
        .call("get_product", &[("slug", "theepot-gietijzer")])
        .await
        .json();
    let (pot_id, stock_before) = (pot["id"].to_string(), pot["stock"].as_i64().unwrap());
    shopper
        .call("add_to_cart", &[("product_id", &pot_id), ("quantity", "3")])
        .await;
    let form = [
        ("email", "k@example.nl"),
        ("first_name", "K"),
        ("last_name", "L"),
        ("street", "S"),
        ("house_number", "1"),
        ("postcode", "1234AB"),
        ("city", "C"),
        ("country", "NL"),
        ("phone", "0612345678"),
        ("payment_method", "bank_transfer"),
    ];
    assert_eq!(
        shopper.call("place_order", &form).await.status,
        StatusCode::OK
    );
    let mut boss = owner(&app).await;

    let dashboard = boss.call("cms_dashboard", &[]).await.json();
    assert_eq!(
        (
            dashboard["orders_today"].as_i64(),
            dashboard["orders_new"].as_i64()
        ),
        (Some(1), Some(1))
    );
    assert_eq!(dashboard["revenue_today_cents"], 3 * 3995);
    assert!(dashboard["last_retention"].is_null() && dashboard["last_backup"].is_null());
    let list = boss.call("cms_orders", &[("status", "new")]).await.json();
    assert_eq!(list["rows"].as_array().map(Vec::len), Some(1));
    let id = list["rows"][0]["id"].to_string();
    assert_eq!(
        boss.call("cms_orders", &[("status", "paid")]).await.json()["rows"]
            .as_array()
            .map(Vec::len),
        Some(0)
    );
    let today = app::clock::shop_today(app::ssr::now_utc());
    let in_range = boss
        .call(
            "cms_orders",
            &[("from", &today.to_string()), ("to", &today.to_string())],
        )
        .await
        .json();
    assert_eq!(in_range["rows"].as_array().map(Vec::len), Some(1));
    let bad_date = boss.call("cms_orders", &[("from", "gisteren")]).await;
    assert_eq!(bad_date.status, StatusCode::UNPROCESSABLE_ENTITY);

    let detail = boss.call("cms_order", &[("id", &id)]).await.json();
    assert_eq!(
        detail["next_statuses"],
        serde_json::json!(["paid", "cancelled"])
    );
    let skip = boss
        .call(
            "cms_set_order_status",
            &[("id", &id), ("status", "shipped")],
        )
        .await;
    assert_eq!(skip.json()["Validation"][0]["error"], "StatusChange");
    let paid = boss
        .call("cms_set_order_status", &[("id", &id), ("status", "paid")])
        .await
        .json();
    assert_eq!(paid["order"]["status"], "paid");
    let pot_now = |c: serde_json::Value| c["stock"].as_i64().unwrap();
    assert_eq!(
        pot_now(
            shopper
                .call("get_product", &[("slug", "theepot-gietijzer")])
                .await
                .json()
        ),
        stock_before - 3
    );
    let cancelled = boss
        .call(
            "cms_set_order_status",
            &[("id", &id), ("status", "cancelled")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(
        pot_now(
            shopper
                .call("get_product", &[("slug", "theepot-gietijzer")])
                .await
                .json()
        ),
        stock_before,
        "stock returned"
    );
    let again = boss
        .call(
            "cms_set_order_status",
            &[("id", &id), ("status", "cancelled")],
        )
        .await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "stock is returned once only"
    );
    let actions: Vec<String> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("order"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| format!("{}:{}", a.action, a.detail.unwrap_or_default()))
        .collect();
    // Three list pages (the refused date read nothing), then the order.
    assert_eq!(
        actions,
        vec![
            "order.list:",
            "order.list:",
            "order.list:",
            "order.view:",
            "order.status:paid",
            "order.status:cancelled"
        ]
    );
    app.finish().await;
}

async fn settings_show_the_database_login_masked_and_audit_reveals(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = owner(&app).await;
    let mut viewer = staff_with(&app, "boekhouder@example.nl", &[Right::SettingsView]).await;

    let view = viewer.call("cms_settings", &[]).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    let view = view.json();
    assert_eq!(
        (
            view["settings"]["retention_years"].as_i64(),
            view["settings"]["backups_keep"].as_i64()
        ),
        (Some(7), Some(7))
    );
    assert_eq!(view["database"]["host"], "db.example:3306");
    assert_eq!(view["database"]["user"], "shop");
    assert!(
        !view.to_string().contains("test-secret"),
        "the password is masked"
    );
    assert_eq!(view["can_edit"], false);

    // Seeing the settings is not enough to see the database password: it
    // opens every customer's data, so only the owner reveals it.
    let refused = viewer.call("cms_reveal_database_password", &[]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(!refused.body.contains("test-secret"));
    let revealed = boss.call("cms_reveal_database_password", &[]).await.json();
    assert_eq!(revealed["database"]["password"], "test-secret");
    let reveals = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("settings.reveal"))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(reveals, 1, "every reveal is audited");

    let form = [
        ("shop_name", "De Hoek"),
        ("contact_email", "info@dehoek.nl"),
        ("retention_years", "5"),
        ("backups_keep", "10"),
    ];
    assert_eq!(
        viewer.call("cms_save_settings", &form).await.status,
        StatusCode::FORBIDDEN,
        "only the owner edits"
    );
    let saved = boss.call("cms_save_settings", &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(saved.json()["settings"]["retention_years"], 5);
    let bad = boss
        .call(
            "cms_save_settings",
            &[
                ("shop_name", ""),
                ("contact_email", "x"),
                ("retention_years", "0"),
                ("backups_keep", "veel"),
            ],
        )
        .await;
    let fields: Vec<String> = bad.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        vec![
            "shop_name",
            "contact_email",
            "retention_years",
            "backups_keep"
        ]
    );
    assert_eq!(
        viewer.call("cms_settings", &[]).await.json()["settings"]["shop_name"],
        "De Hoek"
    );
    app.finish().await;
}

async fn catalogue_is_edited_and_pictures_are_checked(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut editor = staff_with(&app, "inkoop@example.nl", &[Right::CatalogEdit]).await;
    let catalog = editor.call("cms_catalog", &[]).await.json();
    let keuken = catalog["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "keuken")
        .unwrap()["id"]
        .to_string();

    let bad = editor
        .call(
            "cms_save_product",
            &[
                ("category_id", "999"),
                ("name", ""),
                ("slug", "theepot-gietijzer"),
                ("price", "twaalf"),
                ("vat_rate", "19"),
                ("stock", "-1"),
            ],
        )
        .await;
    let fields: Vec<String> = bad.json()["Validation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        fields,
        vec!["name", "category_id", "slug", "price", "vat_rate", "stock"]
    );

    let form = [
        ("category_id", keuken.as_str()),
        ("name", "Broodplank Eiken"),
        ("slug", ""),
        ("description", "Groot."),
        ("price", "€ 34,50"),
        ("vat_rate", "21"),
        ("stock", "4"),
        ("active", "on"),
    ];
    let created = editor.call("cms_save_product", &form).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = created.json().to_string();
    let mut shopper = app.client();
    let shown = shopper
        .call("get_product", &[("slug", "broodplank-eiken")])
        .await
        .json();
    assert_eq!(
        (shown["price_cents"].as_i64(), shown["stock"].as_i64()),
        (Some(3450), Some(4))
    );
    assert!(
        shopper.get("/").await.body.contains("Broodplank Eiken"),
        "the catalogue shows it at once"
    );

    // Hidden products leave the shop.
    let mut hidden = form.to_vec();
    hidden.retain(|(k, _)| *k != "active");
    hidden.push(("id", &id));
    assert_eq!(
        editor.call("cms_save_product", &hidden).await.status,
        StatusCode::OK
    );
    assert_eq!(
        shopper
            .call("get_product", &[("slug", "broodplank-eiken")])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // Pictures: checked by content and size, stored in the uploads folder.
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let ok = editor
        .upload(&format!("/cms/products/{id}/image"), "image", &png)
        .await;
    assert_eq!(
        (ok.status, ok.location().unwrap_or_default()),
        (
            StatusCode::SEE_OTHER,
            format!("/cms/catalog/products/{id}?upload=ok")
        )
    );
    let stored = editor.call("cms_catalog", &[]).await.json()["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"].as_i64().map(|i| i.to_string()).as_deref() == Some(id.as_str()))
        .unwrap()["image"]
        .as_str()
        .unwrap()
        .to_owned();
    let file = app.uploads.join(stored.trim_start_matches("/uploads/"));
    assert_eq!(
        std::fs::read(&file).expect("stored in the uploads folder"),
        png
    );
    let svg = editor
        .upload(
            &format!("/cms/products/{id}/image"),
            "image",
            b"<svg onload=alert(1)>",
        )
        .await;
    assert!(svg.location().unwrap_or_default().ends_with("upload=type"));
    let big = vec![0xFFu8, 0xD8, 0xFF]
        .into_iter()
        .chain(std::iter::repeat_n(0u8, 2 * 1024 * 1024))
        .collect::<Vec<u8>>();
    assert!(editor
        .upload(&format!("/cms/products/{id}/image"), "image", &big)
        .await
        .location()
        .unwrap_or_default()
        .ends_with("upload=too-large"));
    let mut clerk = staff_with(&app, "kassa@example.nl", &[Right::OrdersView]).await;
    assert_eq!(
        clerk
            .upload(&format!("/cms/products/{id}/image"), "image", &png)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut stranger = app.client();
    assert_eq!(
        stranger
            .upload(&format!("/cms/products/{id}/image"), "image", &png)
            .await
            .status,
        StatusCode::SEE_OTHER
    );

    // Categories: a category with products cannot be deleted.
    let refused = editor.call("cms_delete_category", &[("id", &keuken)]).await;
    assert_eq!(refused.json()["Validation"][0]["error"], "CategoryNotEmpty");
    assert_eq!(
        editor
            .call(
                "cms_save_category",
                &[("name", "Tuin"), ("slug", ""), ("position", "5")]
            )
            .await
            .status,
        StatusCode::OK
    );
    let tuin = editor.call("cms_catalog", &[]).await.json()["categories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["slug"] == "tuin")
        .unwrap()["id"]
        .to_string();
    assert_eq!(
        editor
            .call("cms_delete_category", &[("id", &tuin)])
            .await
            .status,
        StatusCode::OK
    );

    assert_eq!(
        editor
            .call("cms_delete_product", &[("id", &id)])
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        editor
            .call("cms_delete_product", &[("id", &id)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    app.finish().await;
}

async fn content_pages_are_sanitised_and_the_privacy_statement_is_live(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut writer = staff_with(&app, "redactie@example.nl", &[Right::PagesEdit]).await;
    let mut visitor = app.client();
    let about = visitor.get("/over-ons").await;
    assert_eq!(about.status, StatusCode::OK);
    assert!(
        about.body.contains("<strong>eerlijke spullen</strong>"),
        "the seeded page renders its Markdown"
    );

    let attack = "# Levering\n\nWij leveren snel.\n\n<script>alert('xss')</script>\n\n[klik](javascript:alert(1)) <img src=x onerror=alert(2)>";
    let created = writer
        .call(
            "cms_save_page",
            &[
                ("slug", ""),
                ("title", "Levering & retour"),
                ("body_markdown", attack),
                ("published", "on"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let page = visitor.get("/levering-retour").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Wij leveren snel."));
    assert!(
        !page.body.contains("<script>alert") && !page.body.contains("<img src=x"),
        "raw HTML is never passed through"
    );
    assert!(!page.body.contains("href=\"javascript:"), "no script links");

    for reserved in ["cart", "cms", "privacy", "over-ons"] {
        let res = writer
            .call(
                "cms_save_page",
                &[("slug", reserved), ("title", "X"), ("body_markdown", "")],
            )
            .await;
        assert_eq!(
            res.json()["Validation"][0]["error"],
            "SlugTaken",
            "{reserved}"
        );
    }
    let id = created.json().to_string();
    assert_eq!(
        writer
            .call(
                "cms_save_page",
                &[
                    ("id", &id),
                    ("slug", "levering-retour"),
                    ("title", "Levering"),
                    ("body_markdown", "x")
                ]
            )
            .await
            .status,
        StatusCode::OK
    );
    assert_eq!(
        visitor.get("/levering-retour").await.status,
        StatusCode::NOT_FOUND,
        "unpublished pages are not shown"
    );
    assert_eq!(
        visitor.get("/bestaat-niet").await.status,
        StatusCode::NOT_FOUND
    );

    // The privacy statement follows the live settings.
    let privacy = visitor.get("/privacy").await;
    assert!(
        privacy.body.contains("7 jaar") && privacy.body.contains("laatste 7"),
        "defaults in the statement"
    );
    let mut boss = owner(&app).await;
    let form = [
        ("shop_name", "De Hoek"),
        ("contact_email", ""),
        ("retention_years", "3"),
        ("backups_keep", "5"),
    ];
    assert_eq!(
        boss.call("cms_save_settings", &form).await.status,
        StatusCode::OK
    );
    let privacy = visitor.get("/privacy").await;
    assert!(
        privacy.body.contains("3 jaar")
            && privacy.body.contains("laatste 5")
            && privacy.body.contains("De Hoek")
    );
    app.finish().await;
}

/// `audited`: the change and its entry are committed together, and a change
/// that fails after writing leaves neither behind.
async fn a_change_and_its_audit_entry_commit_together(backend: Backend) {
    use app::ssr::services::{audit::audited, settings};
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let owner = common::add_staff(&app.db, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    let entries = || async { audit_log::Entity::find().count(&app.db).await.unwrap() };
    let before = entries().await;

    let failed = audited(
        &app.db,
        owner,
        app::cms::rules::AuditAction::SettingsEdit,
        None,
        async |txn: &_| {
            settings::save(
                txn,
                &app::cms::models::SettingsInput {
                    shop_name: "Half opgeslagen".into(),
                    contact_email: "".into(),
                    retention_years: "7".into(),
                    backups_keep: "7".into(),
                    ..Default::default()
                },
            )
            .await?;
            Err::<((), Option<String>), _>(app::error::AppError::Internal)
        },
    )
    .await;
    assert_eq!(failed, Err(app::error::AppError::Internal));
    assert_ne!(
        settings::load(&app.db).await.unwrap().shop_name,
        "Half opgeslagen",
        "the write of a failed change is rolled back"
    );
    assert_eq!(entries().await, before, "and no entry is left");

    let saved = audited(
        &app.db,
        owner,
        app::cms::rules::AuditAction::SettingsEdit,
        None,
        async |txn: &_| {
            let saved = settings::save(
                txn,
                &app::cms::models::SettingsInput {
                    shop_name: "Heel opgeslagen".into(),
                    contact_email: "".into(),
                    retention_years: "7".into(),
                    backups_keep: "7".into(),
                    ..Default::default()
                },
            )
            .await?;
            Ok((saved.shop_name, Some("retention 7 years, 7 backups".into())))
        },
    )
    .await;
    assert_eq!(saved.as_deref(), Ok("Heel opgeslagen"));
    assert_eq!(
        settings::load(&app.db).await.unwrap().shop_name,
        "Heel opgeslagen"
    );
    assert_eq!(entries().await, before + 1);
    app.finish().await;
}
