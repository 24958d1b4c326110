//! AVG-19 tried as an attacker would, who has read the code (issue 12), on
//! SQLite and MariaDB: made-up session cookies, a fresh session per
//! request, many senders aiming at one mailbox, hundreds of logins at
//! once (`hash_flood.rs`), two registrations racing for one address, a
//! stolen session after a password change, and a read of the sessions
//! table.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{call_from, registration, Backend, TestApp};
use app::ssr::entities::{customer, session};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use base64::Engine as _;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use tower::ServiceExt;

on_both_databases!(
    made_up_cookies_get_no_fresh_quota_on_any_public_form,
    new_carts_are_bounded_per_visitor,
    a_mailbox_gets_a_few_unsolicited_mails_a_day_whoever_sends_them,
    two_registrations_of_one_address_at_once_make_one_account,
    a_new_password_ends_the_customers_other_sessions,
    session_ids_are_stored_only_as_hashes,
    an_old_shops_duplicate_accounts_are_resolved_by_the_migration,
);

const LIMIT: usize = 3;

/// A session cookie of the right shape that the shop never handed out.
fn made_up_cookie() -> String {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).unwrap();
    format!(
        "winkel_session={}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    )
}

/// Sends `req` to the shop; status and body.
async fn send(app: &TestApp, req: Request<Body>) -> (StatusCode, String) {
    let res = app.router.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let body = axum::body::to_bytes(res.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8_lossy(&body).into_owned())
}

fn with_cookie(mut req: Request<Body>, cookie: &str) -> Request<Body> {
    req.headers_mut()
        .insert(header::COOKIE, cookie.parse().unwrap());
    req
}

async fn made_up_cookies_get_no_fresh_quota_on_any_public_form(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, |c| c.form_limit = LIMIT).await else {
        return;
    };
    let here = "198.51.100.20:50000";
    let contact = [
        ("email", "vraag@example.nl"),
        ("first_name", "Vera"),
        ("question", "Hebben jullie ook thee?"),
    ];
    let login = [
        ("email", "x@example.nl"),
        ("password", "niet het wachtwoord"),
    ];
    let order = registration("koper@example.nl");
    let forms: [(&str, Vec<(&str, &str)>); 6] = [
        ("register", registration("nieuw@example.nl")),
        ("login", login.to_vec()),
        ("place_order", order),
        ("send_question", contact.to_vec()),
        ("newsletter_subscribe", vec![("email", "lezer@example.nl")]),
        ("cms_login", login.to_vec()),
    ];
    for (endpoint, pairs) in &forms {
        let mut statuses = Vec::new();
        for _ in 0..LIMIT + 3 {
            let req = call_from(here, endpoint, pairs, "application/json");
            let (status, body) = send(&app, with_cookie(req, &made_up_cookie())).await;
            assert_ne!(
                status,
                StatusCode::INTERNAL_SERVER_ERROR,
                "{endpoint}: {body}"
            );
            statuses.push(status);
        }
        let refused = statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count();
        assert_eq!(
            refused, 3,
            "{endpoint}: a made-up cookie per request must not give a fresh quota: {statuses:?}"
        );
        assert!(
            statuses[..LIMIT]
                .iter()
                .all(|s| *s != StatusCode::TOO_MANY_REQUESTS),
            "{endpoint}: {statuses:?}"
        );
    }
    // The refusals came with Retry-After.
    let req = call_from(here, "login", &login, "application/json");
    let res = app.router.clone().oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::TOO_MANY_REQUESTS);
    let wait: u64 = res.headers()[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=600).contains(&wait), "{wait}");
    // Mail went only for the forms that got through: a welcome and two
    // notices to the registered address, three newsletter confirmations.
    assert_eq!(app.mails().await.len(), 2 * LIMIT);
    app.finish().await;
}

async fn new_carts_are_bounded_per_visitor(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, |c| c.form_limit = LIMIT).await else {
        return;
    };
    let sessions_before = session::Entity::find().count(&app.db).await.unwrap();
    let product = app
        .client()
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await;
    let id = product.json()["id"].to_string();
    let cart = [("product_id", id.as_str()), ("quantity", "1")];
    let mut statuses = Vec::new();
    for _ in 0..LIMIT * 3 + 4 {
        // No cookie at all, or a made-up one: a new cart every time.
        let req = call_from(
            "198.51.100.21:50000",
            "add_to_cart",
            &cart,
            "application/json",
        );
        statuses.push(send(&app, with_cookie(req, &made_up_cookie())).await.0);
    }
    let stored = session::Entity::find().count(&app.db).await.unwrap() - sessions_before;
    assert_eq!(stored, (LIMIT * 3) as u64, "{statuses:?}");
    assert_eq!(
        statuses
            .iter()
            .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        4
    );
    // Another visitor still gets a cart.
    let req = call_from(
        "198.51.100.22:50000",
        "add_to_cart",
        &cart,
        "application/json",
    );
    assert_eq!(send(&app, req).await.0, StatusCode::OK);
    app.finish().await;
}

async fn a_mailbox_gets_a_few_unsolicited_mails_a_day_whoever_sends_them(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, |c| c.form_limit = LIMIT).await else {
        return;
    };
    // 25 senders, each from an address of their own, sign one mailbox up
    // for the newsletter, with a message in the first name.
    for sender in 0..25 {
        let pairs = [
            ("email", "slachtoffer@example.nl"),
            ("first_name", "Koop nu bij spam.example"),
        ];
        let req = call_from(
            &format!("203.0.113.{}:40000", sender + 1),
            "newsletter_subscribe",
            &pairs,
            "application/json",
        );
        let (status, body) = send(&app, with_cookie(req, &made_up_cookie())).await;
        assert_eq!(status, StatusCode::OK, "the answer never differs: {body}");
    }
    // Registering the address, and asking for it as a new account address,
    // are unsolicited mail for it too.
    let req = call_from(
        "203.0.113.99:40000",
        "register",
        &registration("slachtoffer@example.nl"),
        "application/json",
    );
    assert_eq!(send(&app, req).await.0, StatusCode::OK);
    let mails = app.mails().await;
    assert_eq!(
        mails.len(),
        3,
        "three unsolicited mails a day, whoever sends them"
    );
    for mail in &mails {
        assert!(
            !mail.contains("spam.example"),
            "attacker text in a mail: {mail}"
        );
    }
    // A staff answer to a question still reaches the address.
    let prospect = customer::Entity::find()
        .filter(customer::Column::Email.eq("slachtoffer@example.nl"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let queued = app
        .state
        .outbox
        .queue(
            &app.db,
            &app::ssr::mailer::Mail {
                kind: app::ssr::mailer::MailKind::QuestionAnswer,
                to: prospect.email.clone(),
                subject: "Antwoord".into(),
                body: "Ja.".into(),
                html: None,
                unsubscribe_url: None,
            },
            Some(prospect.id),
            app::ssr::now_utc(),
        )
        .await;
    assert_eq!(queued, Ok(app::ssr::services::outbox::Queued::Yes));
    assert_eq!(app.mails().await.len(), 4);
    app.finish().await;
}

async fn two_registrations_of_one_address_at_once_make_one_account(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut racers = Vec::new();
    for n in 0..8 {
        let router = app.router.clone();
        racers.push(tokio::spawn(async move {
            let req = call_from(
                &format!("192.0.2.{}:1000", n + 1),
                "register",
                &registration("tegelijk@example.nl"),
                "application/json",
            );
            router.oneshot(req).await.unwrap().status()
        }));
    }
    for racer in racers {
        assert_eq!(
            racer.await.unwrap(),
            StatusCode::OK,
            "the same answer for each"
        );
    }
    let accounts = customer::Entity::find()
        .filter(customer::Column::Email.eq("tegelijk@example.nl"))
        .filter(customer::Column::PasswordHash.is_not_null())
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(accounts, 1);
    // The schema itself refuses a second account row, whatever the code.
    let again = customer::Entity::insert(customer::ActiveModel {
        kind: sea_orm::ActiveValue::Set(app::customer::CustomerKind::Customer),
        password_hash: sea_orm::ActiveValue::Set(Some("x".into())),
        ..app::ssr::services::accounts::new_prospect(
            "tegelijk@example.nl",
            "Twee",
            app::ssr::now_utc(),
        )
    })
    .exec(&app.db)
    .await
    .unwrap_err();
    assert!(
        app::ssr::services::accounts::is_duplicate_account(&again),
        "{again}"
    );
    // Guest records still share an address.
    for _ in 0..2 {
        customer::Entity::insert(app::ssr::services::accounts::new_prospect(
            "tegelijk@example.nl",
            "Gast",
            app::ssr::now_utc(),
        ))
        .exec(&app.db)
        .await
        .unwrap();
    }
    app.finish().await;
}

async fn a_new_password_ends_the_customers_other_sessions(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut here = app.client();
    let form = registration("twee@example.nl");
    assert_eq!(here.call("register", &form).await.status, StatusCode::OK);
    let credentials = [
        ("email", "twee@example.nl"),
        ("password", "vier koeien in de wei"),
    ];
    let mut there = app.client();
    for client in [&mut here, &mut there] {
        let res = client.call("login", &credentials).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let changed = here
        .call(
            "change_password",
            &[
                ("current_password", "vier koeien in de wei"),
                ("new_password", "zes eenden op een rij"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(
        there.call("get_profile", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "the other session is over"
    );
    assert_eq!(here.call("get_profile", &[]).await.status, StatusCode::OK);
    app.finish().await;
}

async fn session_ids_are_stored_only_as_hashes(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let product = client
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await;
    let id = product.json()["id"].to_string();
    let res = client
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    assert_eq!(res.status, StatusCode::OK);
    let cookie = client.cookie.clone().unwrap();
    let value = cookie.split_once('=').unwrap().1;
    let stored: Vec<String> = session::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(
        !stored.iter().any(|s| s.contains(value)),
        "the cookie's id is stored"
    );
    assert!(stored.contains(&app::ssr::sha256_hex(value)));
    // The session still works: the cart is there.
    let cart = client.call("get_cart", &[]).await;
    assert_eq!(cart.json()["item_count"], 1, "{}", cart.body);
    app.finish().await;
}

async fn an_old_shops_duplicate_accounts_are_resolved_by_the_migration(backend: Backend) {
    use migrations::MigratorTrait;
    use sea_orm::ActiveValue::Set;
    let Some(store) = common::database(backend).await else {
        return;
    };
    let db = &store.db;
    // The schema before this issue (000007): without the key, as old shops
    // have it. Every migration after it is undone too.
    let newer = migrations::Migrator::migrations()
        .iter()
        .rev()
        .take_while(|m| m.name() != "m20261204_000007_hostile_visitors")
        .count();
    let steps = u32::try_from(newer + 1).unwrap();
    migrations::Migrator::down(db, Some(steps)).await.unwrap();
    let at = |year| {
        chrono::NaiveDate::from_ymd_opt(year, 6, 1)
            .unwrap()
            .and_hms_opt(12, 0, 0)
            .unwrap()
    };
    for (name, last_login) in [("Eerste", 2020), ("Laatste", 2025), ("Middelste", 2023)] {
        customer::Entity::insert(customer::ActiveModel {
            kind: Set(app::customer::CustomerKind::Customer),
            password_hash: Set(Some("$pbkdf2-sha512$i=1,l=64$AAAA$AAAA".into())),
            last_login_at: Set(Some(at(last_login))),
            ..app::ssr::services::accounts::new_prospect("dubbel@example.nl", name, at(2019))
        })
        .exec(db)
        .await
        .unwrap();
    }
    // A session stored the old way, by its plain id.
    let old_id = "an-old-session-id";
    session::Entity::insert(session::ActiveModel {
        id: Set(old_id.into()),
        data: Set(b"{}".to_vec()),
        expires_at: Set(at(2099)),
        customer_id: Set(None),
        staff_id: Set(None),
    })
    .exec(db)
    .await
    .unwrap();
    winkel::schema::migrate(db).await.unwrap();
    let accounts = customer::Entity::find()
        .filter(customer::Column::Email.eq("dubbel@example.nl"))
        .filter(customer::Column::PasswordHash.is_not_null())
        .all(db)
        .await
        .unwrap();
    assert_eq!(accounts.len(), 1);
    assert_eq!(
        accounts[0].first_name, "Laatste",
        "the account used last keeps the login"
    );
    assert_eq!(
        customer::Entity::find()
            .filter(customer::Column::Email.eq("dubbel@example.nl"))
            .count(db)
            .await
            .unwrap(),
        3,
        "the others stay as guest records"
    );
    let sessions: Vec<String> = session::Entity::find()
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert_eq!(sessions, [app::ssr::sha256_hex(old_id)]);
    store.drop_database().await;
}
