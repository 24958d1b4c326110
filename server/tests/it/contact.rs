//! The contact form and the CMS question screens over HTTP, on SQLite and
//! MariaDB: a visitor's question stores a prospect and the question
//! together; staff list, answer (by mail) and close questions, each within
//! their rights and audited.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common;

use crate::common::{Backend, Client, TestApp};
use app::cms::rules::Right;
use app::customer::{CustomerKind, NewsletterState};
use app::ssr::entities::{audit_log, customer, question};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    a_question_stores_a_prospect_and_the_question_together,
    the_contact_form_works_without_javascript,
    a_logged_in_customer_asks_on_their_own_record,
    staff_answer_and_close_questions_within_their_rights,
    staff_edit_a_prospect_without_an_address,
);

const QUESTION: &str = "Hebben jullie de wollen plaid ook in het groen? <b>graag</b>";

fn visitor_form(email: &'static str) -> Vec<(&'static str, &'static str)> {
    vec![
        ("first_name", "Joris"),
        ("last_name", "Hendriks"),
        ("email", email),
        ("question", QUESTION),
    ]
}

async fn counts(app: &TestApp) -> (u64, u64) {
    (
        customer::Entity::find().count(&app.db).await.unwrap(),
        question::Entity::find().count(&app.db).await.unwrap(),
    )
}

async fn ask(app: &TestApp, email: &'static str) -> i32 {
    let mut client = app.client();
    let res = client.call("send_question", &visitor_form(email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    question::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .last()
        .expect("a question")
        .id
}

async fn a_question_stores_a_prospect_and_the_question_together(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let before = counts(&app).await;
    let mut client = app.client();

    // Every refused field is named, with its own reason, and nothing is kept.
    let refused = client
        .call(
            "send_question",
            &[
                ("first_name", "Joris"),
                ("email", "joris@"),
                ("phone", "bel me maar"),
                ("question", "   "),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = refused.json()["Validation"].clone();
    let reason = |name: &str| {
        fields
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["field"] == name)
            .map(|f| f["error"].clone())
    };
    assert_eq!(reason("email"), Some("Email".into()));
    assert_eq!(reason("last_name"), Some("Required".into()));
    assert_eq!(reason("phone"), Some("Phone".into()));
    assert_eq!(reason("question"), Some("Required".into()));
    assert_eq!(reason("first_name"), None);
    assert_eq!(counts(&app).await, before, "nothing stored on refusal");

    let long = "x".repeat(app::contact::rules::QUESTION_MAX + 1);
    let too_long = client
        .call(
            "send_question",
            &[
                ("first_name", "Joris"),
                ("last_name", "Hendriks"),
                ("email", "joris@example.nl"),
                ("question", &long),
            ],
        )
        .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(too_long.body.contains("TooLong"), "{}", too_long.body);

    // Accepted: one prospect and one question, linked.
    let mut form = visitor_form("Joris@Example.NL");
    form.push(("phone", "06 12345678"));
    let res = client.call("send_question", &form).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));
    let prospect = customer::Entity::find()
        .filter(customer::Column::Kind.eq(CustomerKind::Prospect))
        .one(&app.db)
        .await
        .unwrap()
        .expect("a prospect");
    assert_eq!(prospect.email, "joris@example.nl");
    assert_eq!(
        (prospect.first_name.as_str(), prospect.last_name.as_str()),
        ("Joris", "Hendriks")
    );
    assert_eq!(prospect.phone, "06 12345678");
    // Data minimisation (AVG-4): nothing the form did not ask.
    assert_eq!((prospect.street.as_str(), prospect.city.as_str()), ("", ""));
    assert_eq!(prospect.gender, None);
    assert_eq!(prospect.password_hash, None);
    assert_eq!(prospect.newsletter, NewsletterState::None);
    let stored = question::Entity::find()
        .filter(question::Column::CustomerId.eq(prospect.id))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the question");
    assert_eq!(stored.body, QUESTION);
    assert_eq!(stored.status, app::contact::rules::QuestionStatus::Open);
    assert_eq!(stored.answer, None);

    // The same address again is a new prospect: a typed address never
    // adds to someone else's record.
    let again = client
        .call("send_question", &visitor_form("joris@example.nl"))
        .await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(counts(&app).await, (before.0 + 2, before.1 + 2));
    app.finish().await;
}

async fn the_contact_form_works_without_javascript(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let page = client.get("/contact").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"question\""));
    assert!(page.body.contains("name=\"first_name\""));
    // Linked from every page's footer.
    assert!(client.get("/").await.body.contains("href=\"/contact\""));

    let refused = client
        .post_form(
            "send_question",
            "http://localhost/contact",
            &[("first_name", "Joris"), ("email", "geen-adres")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FOUND);
    let back = refused.location().expect("back to the form");
    let back = back
        .strip_prefix("http://localhost")
        .unwrap_or(&back)
        .to_owned();
    assert!(
        back.starts_with("/contact?") && back.contains("__err="),
        "{back}"
    );
    let shown = client.get(&back).await;
    assert!(
        shown.body.contains("Vul een geldig e-mailadres in"),
        "field message on {back}"
    );
    assert!(shown.body.contains("Dit veld is verplicht."));

    let sent = client
        .post_form(
            "send_question",
            "http://localhost/contact",
            &visitor_form("joris@example.nl"),
        )
        .await;
    assert_eq!(sent.status, StatusCode::FOUND, "{}", sent.body);
    assert_eq!(sent.location().as_deref(), Some("/contact?sent=1"));
    let thanks = client.get("/contact?sent=1").await;
    assert!(thanks.body.contains("Bedankt voor je vraag"));
    assert!(!thanks.body.contains("name=\"question\""));
    assert_eq!(counts(&app).await.1, 1);
    app.finish().await;
}

async fn a_logged_in_customer_asks_on_their_own_record(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let password = "vier koeien in de wei";
    let registered = client
        .call(
            "register",
            &[
                ("email", "marieke@example.nl"),
                ("first_name", "Marieke"),
                ("last_name", "Bakkerus"),
                ("street", "Lindengracht"),
                ("house_number", "77"),
                ("postcode", "1015KK"),
                ("city", "Amsterdam"),
                ("country", "NL"),
                ("phone", "020-5551234"),
                ("password", password),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::OK, "{}", registered.body);
    let login = client
        .call(
            "login",
            &[("email", "marieke@example.nl"), ("password", password)],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    // The form asks only the question: the account has the contact data.
    let page = client.get("/contact").await;
    assert!(page.body.contains("name=\"question\""));
    assert!(!page.body.contains("name=\"first_name\""));

    let before = counts(&app).await;
    let res = client
        .call(
            "send_question",
            &[("question", "Kan ik mijn bestelling nog wijzigen?")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(counts(&app).await, (before.0, before.1 + 1), "no prospect");
    let account = customer::Entity::find()
        .filter(customer::Column::Email.eq("marieke@example.nl"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let asked = question::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(asked.customer_id, account.id);
    assert_eq!(account.kind, CustomerKind::Customer);
    app.finish().await;
}

async fn login_staff(app: &TestApp, email: &str, owner: bool, rights: &[Right]) -> Client {
    let password = "een lang wachtwoord voor de balie";
    common::staff_client(app, email, password, owner, rights).await
}

async fn staff_answer_and_close_questions_within_their_rights(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let first = ask(&app, "joris@example.nl").await;
    let second = ask(&app, "anna@example.be").await;
    let mut boss = login_staff(&app, "owner@example.nl", true, &[]).await;
    let mut viewer = login_staff(&app, "kijker@example.nl", false, &[Right::CustomersView]).await;
    let mut clerk = login_staff(&app, "kassa@example.nl", false, &[Right::OrdersView]).await;

    // Newest first; the dashboard counts both as open.
    let list = viewer.call("cms_questions", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let rows = list.json()["rows"].clone();
    let ids: Vec<i64> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, vec![i64::from(second), i64::from(first)]);
    assert_eq!(rows[0]["name"], "Joris Hendriks");
    assert_eq!(
        boss.call("cms_dashboard", &[]).await.json()["open_questions"],
        2
    );
    assert_eq!(
        clerk.call("cms_questions", &[]).await.status,
        StatusCode::FORBIDDEN
    );

    // Viewing shows the asker's contact data and is audited.
    let id = first.to_string();
    let shown = viewer.call("cms_question", &[("id", &id)]).await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    let shown = shown.json();
    assert_eq!(shown["email"], "joris@example.nl");
    assert_eq!(shown["body"], QUESTION);
    assert_eq!(shown["customer_kind"], "prospect");
    assert_eq!(shown["can_answer"], true);
    // Viewing is not answering.
    let forbidden = viewer
        .call(
            "cms_answer_question",
            &[("id", &id), ("answer", "Ja hoor.")],
        )
        .await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(
        viewer
            .call("cms_close_question", &[("id", &id)])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert!(app.mails().await.is_empty());

    // An empty answer is refused on its field.
    let empty = boss
        .call("cms_answer_question", &[("id", &id), ("answer", "  ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("\"answer\""), "{}", empty.body);

    // The mail server is down (here: the mail folder cannot be created):
    // the answer is stored all the same, its mail waits in the outbox and
    // goes out on a later try, once the mail server is back.
    std::fs::write(&app.mail_dir, b"not a folder").unwrap();
    let answered = boss
        .call(
            "cms_answer_question",
            &[
                ("id", &id),
                ("answer", "Ja, de plaid is er ook in het groen."),
            ],
        )
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(answered.json()["status"], "answered");
    let now = app::ssr::now_utc();
    let tried = app::ssr::services::outbox::deliver_due(&app.db, &app.state.config.mailer, now)
        .await
        .unwrap();
    assert_eq!((tried.sent, tried.deferred), (0, 1));
    assert_eq!(
        app::ssr::services::outbox::waiting(&app.db).await,
        Ok(1),
        "the mail waits"
    );
    std::fs::remove_file(&app.mail_dir).unwrap();
    // Not before its retry is due ...
    assert!(app.mails().await.is_empty());
    // ... and then once.
    let later = now + chrono::TimeDelta::minutes(2);
    let retried = app::ssr::services::outbox::deliver_due(&app.db, &app.state.config.mailer, later)
        .await
        .unwrap();
    assert_eq!(retried.sent, 1);
    let mails = app.mails().await;
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: joris@example.nl"), "{}", mails[0]);
    assert!(mails[0].contains("Ja, de plaid is er ook in het groen."));
    assert!(
        mails[0].contains("> Hebben jullie de wollen plaid"),
        "the question is quoted"
    );
    let stored = question::Entity::find_by_id(first)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.answer.as_deref(),
        Some("Ja, de plaid is er ook in het groen.")
    );
    assert!(stored.answered_at.is_some());

    // An answered question is not answered twice; it can be closed, once.
    let twice = boss
        .call(
            "cms_answer_question",
            &[("id", &id), ("answer", "Nogmaals.")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.mails().await.len(), 1);
    let closed = boss.call("cms_close_question", &[("id", &id)]).await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert_eq!(closed.json()["status"], "closed");
    assert_eq!(
        boss.call("cms_close_question", &[("id", &id)]).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // An open question may be closed without an answer.
    let other = second.to_string();
    assert_eq!(
        boss.call("cms_close_question", &[("id", &other)])
            .await
            .status,
        StatusCode::OK
    );

    // Filtered by status.
    let open = boss
        .call("cms_questions", &[("status", "open")])
        .await
        .json();
    assert!(open["rows"].as_array().unwrap().is_empty());
    let closed = boss
        .call("cms_questions", &[("status", "closed")])
        .await
        .json();
    assert_eq!(closed["rows"].as_array().unwrap().len(), 2);
    assert_eq!(
        boss.call("cms_question", &[("id", "999999")]).await.status,
        StatusCode::NOT_FOUND
    );

    // Every view and change is in the audit log, without the content.
    let actions: Vec<(String, Option<i32>, Option<String>)> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("question"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action, e.entity_id, e.detail))
        .collect();
    for action in ["question.view", "question.answer", "question.close"] {
        assert!(
            actions
                .iter()
                .any(|(a, id, _)| a == action && *id == Some(first)),
            "{action} in {actions:?}"
        );
    }
    assert!(actions.iter().all(|(_, _, d)| d.is_none()));
    app.finish().await;
}

/// A prospect has no phone or address; staff correct their name without
/// having to invent one, and an address they do add must be complete.
async fn staff_edit_a_prospect_without_an_address(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    ask(&app, "joris@example.nl").await;
    let prospect = customer::Entity::find()
        .filter(customer::Column::Email.eq("joris@example.nl"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the prospect");
    assert_eq!(prospect.kind, CustomerKind::Prospect);
    let mut editor =
        login_staff(&app, "redacteur@example.nl", false, &[Right::CustomersEdit]).await;
    let id = prospect.id.to_string();
    let mut form = vec![
        ("id", id.as_str()),
        ("email", "joris@example.nl"),
        ("first_name", "Joris"),
        ("last_name", "Hendriksen"),
        ("country", "NL"),
        ("phone", ""),
    ];
    let saved = editor.call("cms_update_customer", &form).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let row = customer::Entity::find_by_id(prospect.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (row.last_name.as_str(), row.street.as_str(), row.kind),
        ("Hendriksen", "", CustomerKind::Prospect)
    );

    form.push(("city", "Utrecht"));
    let half = editor.call("cms_update_customer", &form).await;
    assert_eq!(
        half.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        half.body
    );
    let fields = half.json()["Validation"].clone();
    assert!(fields.to_string().contains("street"), "{fields}");
    assert!(!fields.to_string().contains("phone"), "{fields}");
    app.finish().await;
}
