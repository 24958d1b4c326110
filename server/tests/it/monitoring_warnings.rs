//! AVG-18's warnings (issue 17, section 4), on SQLite and MariaDB: real
//! server errors (a table gone) warn and mail the owner once an hour per
//! kind, also with two servers on one database; traffic far above the
//! week warns; the dashboard draws its charts for any member.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{self, Backend, TestApp, SITE};
use app::cms::rules::{Warning, WarningKind};
use app::locale::{day_in, price_in, Locale};
use app::ssr::entities::{job_run, order, outbox, security_count};
use app::ssr::now_utc;
use app::ssr::services::{monitoring, security_counts};
use app::ssr::state::AppState;
use axum::http::StatusCode;
use chrono::{Duration, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, Set,
};
use tower::ServiceExt;

on_both_databases!(
    server_errors_mail_the_owner_once_an_hour,
    two_servers_mail_once_per_kind_an_hour,
    traffic_far_above_the_week_warns,
    the_dashboard_draws_its_charts_for_any_member,
    a_member_paging_through_every_customer_warns_the_owner,
);

const OWNER_PASSWORD: &str = "de winkel gaat om negen open";
const STAFF_PASSWORD: &str = "koffie zetten om half negen";

/// The contact form: it writes a question, so without the table it fails.
const CONTACT: [(&str, &str); 4] = [
    ("email", "vraag@example.nl"),
    ("first_name", "Vera"),
    ("last_name", "Vragenstein"),
    ("question", "Hebben jullie ook thee?"),
];

/// A fault the shop cannot handle: the questions' table is gone, so the
/// contact form answers 500 and its query fails.
async fn break_questions(app: &TestApp) {
    app.db
        .execute_unprepared("DROP TABLE questions")
        .await
        .expect("drop the questions");
}

/// `n` contact forms sent to a server whose questions' table is gone.
async fn server_errors(router: &axum::Router, n: usize) {
    for _ in 0..n {
        let req = common::call_from(
            "198.51.100.7:50000",
            "send_question",
            &CONTACT,
            "application/json",
        );
        let res = router.clone().oneshot(req).await.expect("router answers");
        assert_eq!(res.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }
}

async fn check(state: &AppState, at: NaiveDateTime) -> monitoring::Checked {
    monitoring::check(&state.db, &state.metrics, &state.outbox, SITE, at)
        .await
        .expect("the check runs")
}

/// The mails sent by `at` (the outbox delivered as its worker would then).
async fn mails_at(app: &TestApp, at: NaiveDateTime) -> Vec<String> {
    app::ssr::services::outbox::deliver_due(&app.db, &app.state.config.mailer, at)
        .await
        .expect("the outbox is sent");
    let mut files: Vec<_> = std::fs::read_dir(&app.mail_dir)
        .map(|dir| dir.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    files.sort();
    files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap_or_default())
        .collect()
}

fn kinds(warnings: &[Warning]) -> Vec<WarningKind> {
    warnings.iter().map(|w| w.kind).collect()
}

async fn server_errors_mail_the_owner_once_an_hour(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    common::add_staff(&app.db, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    common::add_staff(&app.db, "medewerker@example.nl", STAFF_PASSWORD, false, &[]).await;
    let now = now_utc();
    let quiet = check(&app.state, now).await;
    assert_eq!((quiet.active, quiet.mailed), (vec![], vec![]));

    break_questions(&app).await;
    server_errors(&app.router, 12).await;
    let first = check(&app.state, now).await;
    // The failed queries are database errors too: both kinds, one mail.
    assert_eq!(
        first.mailed,
        [WarningKind::ServerErrors, WarningKind::DatabaseErrors],
        "{first:?}"
    );
    let mails = mails_at(&app, now).await;
    assert_eq!(mails.len(), 1, "only the owner is mailed: {mails:?}");
    let mail = &mails[0];
    assert!(mail.contains("owner@example.nl"), "{mail}");
    assert!(mail.contains("2 waarschuwingen bij"), "{mail}");
    assert!(
        mail.contains("12 van de ") && mail.contains("eindigden in een serverfout (5xx)"),
        "{mail}"
    );
    assert!(mail.contains("mislukte databasevragen"), "{mail}");
    assert!(mail.contains(&format!("{SITE}/cms")), "{mail}");
    // Nothing of the visitor whose form failed.
    assert!(!mail.contains("vraag@example.nl") && !mail.contains("198.51.100.7"));
    // A monitoring system sees the same.
    let text = app.state.metrics.render();
    assert!(
        text.contains("winkel_warning_active{kind=\"server_errors\"} 1\n"),
        "{text}"
    );

    // Five minutes on, still failing: mailed within the hour, so no mail.
    server_errors(&app.router, 12).await;
    let again = check(&app.state, now + Duration::minutes(5)).await;
    assert!(kinds(&again.active).contains(&WarningKind::ServerErrors));
    assert_eq!(again.mailed, vec![]);
    assert_eq!(mails_at(&app, now + Duration::minutes(5)).await.len(), 1);

    // An hour on, still failing: the owner hears again.
    server_errors(&app.router, 12).await;
    let later = now + Duration::minutes(61);
    let after_the_hour = check(&app.state, later).await;
    assert!(
        after_the_hour.mailed.contains(&WarningKind::ServerErrors),
        "{after_the_hour:?}"
    );
    assert_eq!(mails_at(&app, later).await.len(), 2);

    // An hour of quiet after that: nothing active, nothing mailed.
    let quiet = check(&app.state, later + Duration::minutes(30)).await;
    assert_eq!((quiet.active, quiet.mailed), (vec![], vec![]));
    assert!(app
        .state
        .metrics
        .render()
        .contains("winkel_warning_active{kind=\"server_errors\"} 0\n"));
    app.finish().await;
}

async fn two_servers_mail_once_per_kind_an_hour(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    common::add_staff(&app.db, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    let (other_router, other) = app.second_instance();
    break_questions(&app).await;
    server_errors(&app.router, 12).await;
    server_errors(&other_router, 12).await;
    let now = now_utc();
    // Both find the same warnings and check at the same moment.
    let (a, b) = tokio::join!(check(&app.state, now), check(&other, now));
    assert_eq!(kinds(&a.active), kinds(&b.active));
    let mut mailed = [a.mailed, b.mailed].concat();
    mailed.sort_by_key(|k| k.as_str());
    assert_eq!(
        mailed,
        [WarningKind::DatabaseErrors, WarningKind::ServerErrors],
        "each kind is mailed once between them"
    );
    let mails = mails_at(&app, now).await;
    let told = mails.iter().filter(|m| m.contains("serverfout")).count();
    assert_eq!(told, 1, "{mails:?}");
    // Neither mails again within the hour.
    server_errors(&other_router, 12).await;
    let soon = now + Duration::minutes(3);
    let (a, b) = tokio::join!(check(&app.state, soon), check(&other, soon));
    assert_eq!((a.mailed, b.mailed), (vec![], vec![]));
    assert_eq!(
        outbox::Entity::find().count(&app.db).await.unwrap(),
        0,
        "nothing new queued"
    );
    app.finish().await;
}

async fn traffic_far_above_the_week_warns(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // The warning is worked out later from the server's own hour.
    common::clear_of_the_hour().await;
    common::add_staff(&app.db, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    let now = now_utc();
    let hour = security_counts::hour_start(now);
    // Requests are counted per hour, with the security events.
    let mut visitor = app.client();
    for _ in 0..3 {
        assert_eq!(visitor.get("/").await.status, StatusCode::OK);
    }
    security_counts::flush(&app.db, &app.state.metrics, now)
        .await
        .unwrap();
    let counted = security_count::Entity::find()
        .filter(security_count::Column::Kind.eq("http_requests"))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the hour's requests");
    assert_eq!(counted.hour_start, hour);
    assert!(counted.count >= 3, "{counted:?}");

    // 100 hours of the week at 100 requests, then an hour of 6000.
    let week: Vec<security_count::ActiveModel> = (2..102)
        .map(|back| security_count::ActiveModel {
            hour_start: Set(hour - Duration::hours(back)),
            kind: Set("http_requests".into()),
            count: Set(100),
            ..Default::default()
        })
        .collect();
    security_count::Entity::insert_many(week)
        .exec(&app.db)
        .await
        .unwrap();
    security_count::ActiveModel {
        hour_start: Set(hour - Duration::hours(1)),
        kind: Set("http_requests".into()),
        count: Set(6000),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let found = monitoring::evaluate(&app.db, &app.state.metrics, now)
        .await
        .unwrap();
    assert_eq!(found, vec![Warning::new(WarningKind::Traffic, 6000, 100)]);
    let mut owner =
        common::staff_client(&app, "eigenaar@example.nl", OWNER_PASSWORD, true, &[]).await;
    let dashboard = owner.call("cms_dashboard", &[]).await.json();
    assert_eq!(
        dashboard["warnings"],
        serde_json::json!([{"kind": "traffic", "count": 6000, "against": 100}])
    );
    let page = owner.get("/cms").await;
    assert!(
        page.body
            .contains("6000 verzoeken in het afgelopen uur, normaal 100 per uur"),
        "the warning is on the page"
    );

    // In a week of 2000 an hour, 6000 is a busy hour, not an attack.
    security_count::Entity::update_many()
        .col_expr(
            security_count::Column::Count,
            sea_orm::sea_query::Expr::value(2000),
        )
        .filter(security_count::Column::Kind.eq("http_requests"))
        .filter(security_count::Column::HourStart.lt(hour - Duration::hours(1)))
        .exec(&app.db)
        .await
        .unwrap();
    assert_eq!(
        monitoring::evaluate(&app.db, &app.state.metrics, now)
            .await
            .unwrap(),
        vec![]
    );
    app.finish().await;
}

async fn place_order(app: &TestApp, email: &'static str) -> order::Model {
    common::order_espresso(app, "/checkout", &common::checkout(email)).await
}

async fn the_dashboard_draws_its_charts_for_any_member(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // Today's bars are drawn from the server's own day.
    common::clear_of_the_hour().await;
    let placed = place_order(&app, "koper@example.nl").await;
    // A backup that failed yesterday.
    let now = now_utc();
    let yesterday = now - Duration::days(1);
    job_run::ActiveModel {
        job: Set("backup".into()),
        started_at: Set(yesterday),
        finished_at: Set(Some(yesterday)),
        deleted: Set(0),
        anonymised: Set(0),
        detail: Set(None),
        error: Set(Some("disk full".into())),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    // A member with no right at all sees the dashboard.
    let mut member =
        common::staff_client(&app, "lezer@example.nl", STAFF_PASSWORD, false, &[]).await;
    let page = member.get("/cms").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = &page.body;
    assert!(html.matches("<svg").count() >= 4, "four charts: {html}");
    let today = app::clock::shop_today(now);
    for title in [
        format!(
            "<title>{}: {}</title>",
            day_in(Locale::Nl, today),
            price_in(Locale::Nl, placed.total_cents)
        ),
        format!("<title>{}: 1 bestelling</title>", day_in(Locale::Nl, today)),
        format!(
            "<title>{}: 0 gelukt, 1 mislukt</title>",
            day_in(Locale::Nl, app::clock::shop_today(yesterday))
        ),
        "<title>Omzet per dag, laatste 30 dagen</title>".to_owned(),
    ] {
        assert!(html.contains(&title), "{title} missing");
    }
    // The CSP allows no inline style: the charts use classes.
    for svg in html.split("<svg").skip(1) {
        let svg = svg.split("</svg>").next().unwrap_or_default();
        assert!(!svg.contains("style="), "inline style in a chart");
    }
    // No security events yet: that chart says so.
    assert!(html.contains("Nog niets te tonen"));
    let dashboard = member.call("cms_dashboard", &[]).await.json();
    assert_eq!(dashboard["charts"].as_array().map(Vec::len), Some(4));
    app.finish().await;
}

/// A member who pages through the whole customer list again and again (a
/// download by hand) is shown far more customers than their usual day:
/// the owner is mailed and sees who on the dashboard; the member does not.
async fn a_member_paging_through_every_customer_warns_the_owner(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    for n in 0..60 {
        common::customer_row(&format!("Klant{n}"), "Lijstlezer")
            .insert(&app.db)
            .await
            .unwrap();
    }
    let mut owner = common::staff_client(&app, "owner@example.nl", OWNER_PASSWORD, true, &[]).await;
    let mut reader = common::staff_client(
        &app,
        "lezer@example.nl",
        STAFF_PASSWORD,
        false,
        &[app::cms::rules::Right::CustomersView],
    )
    .await;
    let reader_id = app::ssr::entities::staff::Entity::find()
        .filter(app::ssr::entities::staff::Column::Email.eq("lezer@example.nl"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id;
    // An ordinary look at one page: no warning.
    assert_eq!(
        reader.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );
    let now = now_utc();
    let calm = check(&app.state, now).await;
    assert!(
        !kinds(&calm.active).contains(&WarningKind::StaffReads),
        "{calm:?}"
    );

    // Ten more full pages within the hour: 550 customers shown.
    for _ in 0..10 {
        assert_eq!(
            reader.call("cms_customers", &[]).await.status,
            StatusCode::OK
        );
    }
    let found = check(&app.state, now).await;
    let warning = found
        .active
        .iter()
        .find(|w| w.kind == WarningKind::StaffReads)
        .unwrap_or_else(|| panic!("{found:?}"));
    assert_eq!(warning.staff_id, Some(reader_id));
    assert!(warning.count >= 500, "{warning:?}");
    assert!(found.mailed.contains(&WarningKind::StaffReads));
    let mails = mails_at(&app, now).await;
    assert_eq!(mails.len(), 1, "{mails:?}");
    assert!(
        mails[0].contains(&format!("medewerker #{reader_id} kreeg")),
        "{}",
        mails[0]
    );
    assert!(!mails[0].contains("Lijstlezer"), "no customer in the mail");

    // The owner sees who; the reader (no audit right) does not.
    let warned = async |client: &mut common::Client| {
        let shown: app::cms::models::Dashboard =
            serde_json::from_value(client.call("cms_dashboard", &[]).await.json()).unwrap();
        kinds(&shown.warnings).contains(&WarningKind::StaffReads)
    };
    assert!(warned(&mut owner).await, "the owner sees it");
    assert!(!warned(&mut reader).await, "the reader does not");
    app.finish().await;
}
