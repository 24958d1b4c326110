//! Privacy requests without an account (issue 17, section 3), over HTTP on
//! SQLite and MariaDB: one answer for every address and a mail only to an
//! address with data; the mailed link shows, downloads (everything of that
//! address, nothing of another) and erases (every record, tombstones
//! included) once, within the hour; forged links are refused; the mails
//! keep their budget whoever floods the form; the account page and staff
//! send the same link; and an unsubscribe survives a restore.

use crate::common::{self, call_from, Backend, Client, TestApp};
use app::ssr::entities::{audit_log, consent_withdrawal, customer, erasure, order, question};
use app::ssr::services::{outbox, privacy, privacy_request};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::Value;
use std::time::Duration;

on_both_databases!(
    every_address_gets_the_same_answer,
    the_link_downloads_and_erases_everything_of_its_address,
    expired_forged_and_used_links_are_refused,
    the_mails_keep_their_budget_whoever_floods_the_form,
    the_account_and_staff_send_the_same_link,
    an_unsubscribe_survives_a_restore,
);

const LINK: &str = "/privacy/request/confirm?t=";
const GUEST: &str = "gast@example.nl";
const OTHER: &str = "ander@example.nl";

/// A guest order placed for `email`.
async fn order_as_guest(app: &TestApp, email: &str) {
    let mut shopper = app.client();
    let product = shopper
        .call("get_product", &[("slug", "espressobonen-amsterdam")])
        .await
        .json();
    let id = product["id"].to_string();
    shopper
        .call("add_to_cart", &[("product_id", &id), ("quantity", "1")])
        .await;
    let placed = shopper.call("place_order", &common::checkout(email)).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
}

async fn ask_question(app: &TestApp, email: &str) {
    let res = app
        .client()
        .call(
            "send_question",
            &[
                ("first_name", "Joris"),
                ("last_name", "Hendriks"),
                ("email", email),
                ("question", "Leveren jullie ook in Antwerpen?"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
}

async fn ask(client: &mut Client, email: &str) -> common::Response {
    client
        .call("request_privacy_link", &[("email", email)])
        .await
}

async fn link_mails(app: &TestApp, to: &str, expected: usize) -> Vec<String> {
    common::mails_with_link(app, to, LINK, expected).await
}

fn token_in(mail: &str) -> String {
    common::token_after(mail, LINK)
}

/// A link for `email`, asked for at `now`.
async fn link_for(app: &TestApp, email: &str, now: chrono::NaiveDateTime) -> String {
    let before = link_mails(app, email, 0).await.len();
    let queued = privacy_request::request(&app.state, email, app::locale::Locale::Nl, now)
        .await
        .expect("request");
    assert_eq!(queued, Some(outbox::Queued::Yes));
    let mails = link_mails(app, email, before + 1).await;
    token_in(mails.last().expect("the mail"))
}

async fn holdings(client: &mut Client, token: &str) -> common::Response {
    client
        .call("privacy_request_holdings", &[("token", token)])
        .await
}

async fn download(client: &mut Client, token: &str) -> common::Response {
    let req = Request::post("/privacy/request/download")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "text/html")
        .body(Body::from(common::form(&[("t", token)])))
        .unwrap();
    client.send(req).await
}

async fn erase(client: &mut Client, token: &str, confirm: bool) -> common::Response {
    let mut pairs = vec![("token", token)];
    if confirm {
        pairs.push(("confirm", "on"));
    }
    client.call("erase_privacy_data", &pairs).await
}

fn refused(res: &common::Response) {
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
    assert_eq!(res.json(), Value::from("InvalidLink"));
}

async fn records(app: &TestApp, email: &str) -> Vec<customer::Model> {
    customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .all(&app.db)
        .await
        .unwrap()
}

async fn every_address_gets_the_same_answer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    order_as_guest(&app, GUEST).await;
    let unknown = "niemand@example.nl";

    // The form, in both languages, with its honeypot; the statement links
    // to it.
    let mut visitor = app.client();
    let page = visitor.get("/privacy/request").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"email\"") && page.body.contains("name=\"website\""));
    let page = visitor.get("/en/privacy/request").await;
    assert!(page.body.contains("Send me the link"), "{}", page.body);
    let statement = visitor.get("/privacy").await;
    assert!(statement.body.contains("href=\"/privacy/request\""));
    let statement = visitor.get("/en/privacy").await;
    assert!(statement.body.contains("href=\"/en/privacy/request\""));

    // The unknown address first: once the guest's mail is there, its
    // request has long been handled.
    let mut answers = Vec::new();
    for email in [unknown, GUEST] {
        answers.push(
            common::answers_to(
                &app,
                "request_privacy_link",
                "https://winkel.example/privacy/request",
                email,
            )
            .await,
        );
    }
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0].0, StatusCode::OK);
    assert_eq!(answers[0].3.as_deref(), Some("/privacy/request?sent=1"));
    let sent = visitor.get("/privacy/request?sent=1").await;
    assert!(sent.body.contains("Als we gegevens bij dit adres hebben"));

    let mails = link_mails(&app, GUEST, 2).await;
    assert_eq!(mails.len(), 2, "two requests, two mails");
    assert!(mails[0].contains("Subject: Je gegevens bij"));
    assert!(mails[0].contains(&format!("https://winkel.example{LINK}")));
    assert!(
        !token_in(&mails[0]).contains("gast"),
        "no address in the link"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(link_mails(&app, unknown, 0).await.is_empty());
    assert_eq!(
        records(&app, unknown).await.len(),
        0,
        "an unknown address leaves no trace"
    );

    // Asked on the English page: the mail and its link are English.
    let asked = app
        .client()
        .post_form(
            "request_privacy_link",
            "https://winkel.example/en/privacy/request",
            &[("email", "Gast@Example.nl ")],
        )
        .await;
    assert_eq!(
        asked.location().as_deref(),
        Some("/en/privacy/request?sent=1")
    );
    let mails = link_mails(&app, GUEST, 3).await;
    assert!(mails[2].contains("Subject: Your data at"));
    assert!(mails[2].contains(&format!("https://winkel.example/en{LINK}")));

    // A malformed address is told so: that reveals nothing.
    let bad = ask(&mut app.client(), "geen adres").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["Validation"][0]["field"], "email");
    app.finish().await;
}

async fn the_link_downloads_and_erases_everything_of_its_address(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Two guest orders (two records), a question (a prospect) and a
    // newsletter subscription, all with one address; another address's
    // order next to them.
    order_as_guest(&app, GUEST).await;
    order_as_guest(&app, GUEST).await;
    ask_question(&app, GUEST).await;
    let res = app
        .client()
        .call("newsletter_subscribe", &[("email", GUEST)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    order_as_guest(&app, OTHER).await;
    let ids: Vec<i32> = records(&app, GUEST).await.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), 3);

    let token = link_for(&app, GUEST, app::ssr::now_utc()).await;
    let mut visitor = app.client();
    let page = visitor.get(&format!("{LINK}{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("class=\"orders\">2<"), "{}", page.body);
    assert!(page.body.contains("class=\"questions\">1<"));
    assert!(page.body.contains("class=\"newsletter\">ja<"));
    assert!(page.body.contains("action=\"/privacy/request/download\""));
    assert!(page.body.contains("name=\"confirm\""));
    let held = holdings(&mut visitor, &token).await.json();
    assert_eq!(held["records"], 3);
    assert_eq!(held["orders"], 2);
    assert_eq!(held["has_account"], false);

    // The download: every record of the address, nothing of the other.
    for _ in 0..2 {
        let file = download(&mut visitor, &token).await;
        assert_eq!(file.status, StatusCode::OK, "{}", file.body);
        assert!(file
            .headers
            .get(header::CONTENT_DISPOSITION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("attachment; filename=\"winkel-gegevens-")));
        let json = file.json();
        assert_eq!(json["format"], "winkel-address-export/1");
        let records = json["records"].as_array().unwrap();
        assert_eq!(records.len(), 3);
        assert!(records
            .iter()
            .all(|r| r["format"] == "winkel-customer-export/1" && r["profile"]["email"] == GUEST));
        let orders: usize = records
            .iter()
            .map(|r| r["orders"].as_array().unwrap().len())
            .sum();
        assert_eq!(orders, 2);
        assert!(file.body.contains("Leveren jullie ook in Antwerpen?"));
        assert!(records
            .iter()
            .any(|r| r["profile"]["newsletter"] == "pending"));
        assert!(!file.body.contains(OTHER), "nothing of another address");
    }

    // Erasing needs the box ticked.
    let unticked = erase(&mut visitor, &token, false).await;
    assert_eq!(
        unticked.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        unticked.body
    );
    assert_eq!(unticked.json()["Validation"][0]["field"], "confirm");
    assert_eq!(records(&app, GUEST).await.len(), 3, "nothing erased");
    // Without JavaScript: a form post, answered with the page after it.
    let done = visitor
        .post_form(
            "erase_privacy_data",
            "https://winkel.example/privacy/request/confirm",
            &[("token", &token), ("confirm", "on")],
        )
        .await;
    assert!(done.status.is_redirection(), "{}", done.body);
    assert_eq!(done.location().as_deref(), Some("/privacy/request/erased"));
    assert!(records(&app, GUEST).await.is_empty(), "every record erased");
    let tombstones = erasure::Entity::find()
        .filter(erasure::Column::CustomerId.is_in(ids.clone()))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(tombstones.len(), 3, "a tombstone per record");
    assert!(tombstones.iter().all(|t| t.reason == "own_request"));
    assert_eq!(
        question::Entity::find()
            .filter(question::Column::CustomerId.is_in(ids.clone()))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );
    let anonymised = order::Entity::find()
        .filter(order::Column::RecipientName.eq(privacy::ANONYMOUS_NAME))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(anonymised, 2, "the orders stay, without the person");
    assert_eq!(
        records(&app, OTHER).await.len(),
        1,
        "the other address stays"
    );

    // The link is used up.
    refused(&holdings(&mut visitor, &token).await);
    refused(&erase(&mut visitor, &token, true).await);
    let gone = download(&mut visitor, &token).await;
    assert_eq!(gone.status, StatusCode::BAD_REQUEST);
    let page = visitor.get(&format!("/en{LINK}{token}")).await;
    assert!(page.body.contains("Ask for a new link"));
    app.finish().await;
}

async fn expired_forged_and_used_links_are_refused(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    order_as_guest(&app, GUEST).await;
    let now = app::ssr::now_utc();
    let mut client = app.client();

    // Older than an hour: dead; just younger: alive.
    let old = link_for(&app, GUEST, now - chrono::Duration::minutes(61)).await;
    refused(&holdings(&mut client, &old).await);
    let good = link_for(&app, GUEST, now - chrono::Duration::minutes(59)).await;
    assert_eq!(holdings(&mut client, &good).await.status, StatusCode::OK);
    // The nightly job deletes the dead one, and only that.
    assert_eq!(privacy_request::purge_expired(&app.db, now).await, Ok(1));
    assert_eq!(holdings(&mut client, &good).await.status, StatusCode::OK);

    // Altered anywhere: another id, another secret, nonsense.
    let (id, secret) = good.split_once('.').unwrap();
    let other_id = format!("{}.{secret}", id.parse::<i32>().unwrap() + 1);
    let mut flipped = secret.to_owned();
    let last = if flipped.ends_with('0') { "1" } else { "0" };
    flipped.replace_range(flipped.len() - 1.., last);
    let forged = format!("{id}.{flipped}");
    let short = format!("{id}.{}", &secret[1..]);
    for token in [
        other_id.as_str(),
        forged.as_str(),
        short.as_str(),
        "",
        "1",
        "x.y",
    ] {
        refused(&holdings(&mut client, token).await);
        refused(&erase(&mut client, token, true).await);
        let file = download(&mut client, token).await;
        assert_eq!(file.status, StatusCode::BAD_REQUEST, "{token}");
    }
    assert_eq!(records(&app, GUEST).await.len(), 1, "nothing erased");

    // The address changed since the link was sent: dead.
    let record = records(&app, GUEST).await.remove(0);
    let moved = "verhuisd@example.nl";
    app.db
        .execute_unprepared(&format!(
            "UPDATE customers SET email = '{moved}' WHERE id = {}",
            record.id
        ))
        .await
        .unwrap();
    refused(&holdings(&mut client, &good).await);
    app.db
        .execute_unprepared(&format!(
            "UPDATE customers SET email = '{GUEST}' WHERE id = {}",
            record.id
        ))
        .await
        .unwrap();

    // Two erasures with one link at the same moment: one wins.
    let (mut a, mut b) = (app.client(), app.client());
    let (first, second) = tokio::join!(erase(&mut a, &good, true), erase(&mut b, &good, true));
    let mut statuses = [first.status, second.status];
    statuses.sort();
    assert_eq!(statuses, [StatusCode::OK, StatusCode::BAD_REQUEST]);
    assert!(records(&app, GUEST).await.is_empty());
    app.finish().await;
}

async fn the_mails_keep_their_budget_whoever_floods_the_form(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    order_as_guest(&app, GUEST).await;
    // Someone uses up the address's unsolicited mail ...
    for _ in 0..outbox::UNSOLICITED_PER_DAY + 1 {
        app.client()
            .call("newsletter_subscribe", &[("email", GUEST)])
            .await;
    }
    // ... and floods the form from many addresses, each a new visitor with
    // no cookie kept.
    let requests: Vec<_> = (0..20)
        .map(|i| {
            let mut client = app.client();
            tokio::spawn(async move {
                client
                    .send(call_from(
                        &format!("192.0.2.{}:4000", i + 1),
                        "request_privacy_link",
                        &[("email", GUEST)],
                        "application/json",
                    ))
                    .await
                    .status
            })
        })
        .collect();
    for request in requests {
        assert_eq!(request.await.unwrap(), StatusCode::OK);
    }
    let mails = link_mails(&app, GUEST, outbox::PRIVACY_REQUESTS_PER_HOUR).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let later = link_mails(&app, GUEST, 0).await;
    assert_eq!(
        (mails.len(), later.len()),
        (
            outbox::PRIVACY_REQUESTS_PER_HOUR,
            outbox::PRIVACY_REQUESTS_PER_HOUR
        ),
        "the budget holds, and the other mail did not use it up"
    );
    // No link beyond the budget was stored either.
    let stored = app::ssr::entities::privacy_request::Entity::find()
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(
        usize::try_from(stored).unwrap(),
        outbox::PRIVACY_REQUESTS_PER_HOUR
    );
    // The holder still gets in with one of them.
    let token = token_in(mails.last().unwrap());
    assert_eq!(
        holdings(&mut app.client(), &token).await.status,
        StatusCode::OK
    );
    app.finish().await;
}

async fn the_account_and_staff_send_the_same_link(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let email = "marieke@example.nl";
    // A guest order first, then an account with the same address.
    order_as_guest(&app, email).await;
    let res = app
        .client()
        .call("register", &common::registration(email))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mut holder = app.client();
    let login = holder
        .call(
            "login",
            &[("email", email), ("password", "vier koeien in de wei")],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    let page = holder.get("/account").await;
    assert!(page.body.contains("account-privacy-link"));
    let page = holder.get("/account/delete").await;
    assert!(page.body.contains("account-privacy-link"));

    // Logged out, nobody can ask through the account.
    let anonymous = app.client().call("account_privacy_link", &[]).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let sent = holder
        .post_form(
            "account_privacy_link",
            "https://winkel.example/account",
            &[],
        )
        .await;
    assert_eq!(sent.location().as_deref(), Some("/account?privacy_link=1"));
    let mails = link_mails(&app, email, 1).await;
    assert_eq!(mails.len(), 1);
    let token = token_in(&mails[0]);
    let held = holdings(&mut app.client(), &token).await.json();
    assert_eq!(held["records"], 2, "the account and the guest record");
    assert_eq!(held["has_account"], true);
    assert_eq!(held["orders"], 1);

    // Staff, for someone who phoned: customers.edit, audited.
    let guest_id = records(&app, email)
        .await
        .into_iter()
        .find(|r| r.password_hash.is_none())
        .unwrap()
        .id;
    let mut viewer = common::staff_client(
        &app,
        "kijker@example.nl",
        "een lang en sterk wachtwoord",
        false,
        &[app::cms::rules::Right::CustomersView],
    )
    .await;
    let id = guest_id.to_string();
    let forbidden = viewer.call("cms_send_privacy_link", &[("id", &id)]).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    let mut editor = common::staff_client(
        &app,
        "bewerker@example.nl",
        "een lang en sterk wachtwoord",
        false,
        &[
            app::cms::rules::Right::CustomersView,
            app::cms::rules::Right::CustomersEdit,
        ],
    )
    .await;
    let page = editor.get(&format!("/cms/customers/{guest_id}")).await;
    assert!(page.body.contains("Stuur inzage/verwijderlink"));
    let res = editor.call("cms_send_privacy_link", &[("id", &id)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json(), Value::Bool(true));
    assert_eq!(link_mails(&app, email, 2).await.len(), 2);
    let audited = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("customer.privacy_link"))
        .filter(audit_log::Column::EntityId.eq(guest_id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(audited, 1);
    let missing = editor
        .call("cms_send_privacy_link", &[("id", "999999")])
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn an_unsubscribe_survives_a_restore(backend: Backend) {
    use winkel::jobs::backup::{self, BackupConfig, RestoreOptions};
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Two customers with orders, both subscribed.
    order_as_guest(&app, GUEST).await;
    order_as_guest(&app, OTHER).await;
    let consent = app::ssr::now_utc() - chrono::Duration::days(1);
    app.db
        .execute_unprepared(&format!(
            "UPDATE customers SET newsletter = 'subscribed', newsletter_consent_at = '{}' \
             WHERE email IN ('{GUEST}', '{OTHER}')",
            consent.format("%Y-%m-%d %H:%M:%S")
        ))
        .await
        .unwrap();
    let dir = std::env::temp_dir().join(common::unique("winkel_privreq_backups"));
    let config = BackupConfig {
        dir: dir.clone(),
        uploads_dir: app.uploads.clone(),
        public_dirs: vec![],
        age_recipient: None,
        age_identity: None,
    };
    let created = backup::create(&app.db, &config, 7, app::ssr::now_utc(), false)
        .await
        .unwrap();

    // After the backup, the guest unsubscribes by the mail's link.
    let guest = records(&app, GUEST).await.remove(0);
    let secret = app::ssr::services::newsletter::link_secret(
        &app.db,
        app.state.config.link_secret.as_deref(),
    )
    .await
    .unwrap();
    let later = app::ssr::now_utc() + chrono::Duration::seconds(2);
    let token = app::ssr::services::newsletter::sign(
        &secret,
        app::newsletter::rules::LinkPurpose::Unsubscribe,
        &guest,
        later,
    )
    .unwrap();
    app::ssr::services::newsletter::unsubscribe(&app.db, &secret, &token, later)
        .await
        .unwrap();
    let tombstones = consent_withdrawal::Entity::find()
        .filter(consent_withdrawal::Column::CustomerId.eq(guest.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(tombstones, 1, "the withdrawal is recorded");

    let report = backup::restore(
        &app.db,
        &created.path,
        &[],
        &RestoreOptions {
            yes: true,
            uploads_dir: app.uploads.clone(),
            age_identity: None,
            show_progress: false,
        },
    )
    .await
    .unwrap();
    assert_eq!(report.withdrawn_again, 1);
    let guest = records(&app, GUEST).await.remove(0);
    assert_eq!(guest.newsletter, app::customer::NewsletterState::None);
    assert_eq!(guest.newsletter_consent_at, None);
    let other = records(&app, OTHER).await.remove(0);
    assert_eq!(
        other.newsletter,
        app::customer::NewsletterState::Subscribed,
        "only the withdrawn consent is withdrawn"
    );
    // The tombstone is kept, for a restore of an even older backup.
    let tombstones = consent_withdrawal::Entity::find()
        .filter(consent_withdrawal::Column::CustomerId.eq(guest.id))
        .count(&app.db)
        .await
        .unwrap();
    assert_eq!(tombstones, 1);
    let _ = std::fs::remove_dir_all(&dir);
    app.finish().await;
}
