//! Issue 17, section 2: every staff read of personal data is audited, the
//! lists too. Each list page writes one entry with the records it showed
//! and whose they were, never the search term; the owner (only) asks "who
//! saw this customer's data?" and downloads the answer for the customer,
//! which is itself audited; monitoring counts the records each member read.

use crate::cms_bookings::{add_booking, add_customer, add_item, at};
use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{audit_log, audit_subject, order, question};
use app::ssr::services::audit::records_read_by_member_since;
use axum::http::StatusCode;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QueryOrder,
};
use serde_json::Value;

on_both_databases!(
    every_list_page_is_audited_with_what_it_showed,
    the_owner_finds_who_saw_a_customer,
    only_the_owner_asks_about_a_customer,
);

const PASSWORD: &str = "wie keek er naar mijn gegevens";
/// A last name, searched for: it must appear in no audit entry.
const TERM: &str = "Zoekenbroek";

async fn add_order(db: &DatabaseConnection, customer_id: Option<i32>) -> i32 {
    // An order's token is 32 hex characters (its page's key).
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    order::ActiveModel {
        token: Set(format!("{n:032x}")),
        customer_id: Set(customer_id),
        status: Set(app::cms::rules::OrderStatus::New),
        placed_at: Set(app::ssr::now_utc()),
        delivery_method: Set(app::shop::rules::DeliveryMethod::Shipping),
        payment_method: Set(app::shop::rules::PaymentMethod::BankTransfer),
        subtotal_cents: Set(1000),
        shipping_cents: Set(495),
        vat_cents: Set(259),
        total_cents: Set(1495),
        recipient_name: Set(format!("Saar {TERM}")),
        street: Set("Kerkstraat".into()),
        house_number: Set("1".into()),
        postcode: Set("1012 AB".into()),
        city: Set("Amsterdam".into()),
        country: Set("NL".into()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("order")
    .id
}

async fn add_question(db: &DatabaseConnection, customer_id: i32) -> i32 {
    question::ActiveModel {
        customer_id: Set(customer_id),
        body: Set("Hebben jullie dit ook in het blauw?".into()),
        status: Set(question::QuestionStatus::Open),
        created_at: Set(app::ssr::now_utc()),
        locale: Set(app::locale::Locale::Nl),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("question")
    .id
}

/// The newest entry, and the (record, customer) pairs it showed.
async fn newest_entry(db: &DatabaseConnection) -> (audit_log::Model, Vec<(i32, Option<i32>)>) {
    let entry = audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("an audit entry");
    let shown = audit_subject::Entity::find()
        .filter(audit_subject::Column::AuditId.eq(entry.id))
        .order_by_asc(audit_subject::Column::Id)
        .all(db)
        .await
        .unwrap()
        .into_iter()
        .map(|s| (s.record_id, s.customer_id))
        .collect();
    (entry, shown)
}

async fn entry_count(db: &DatabaseConnection) -> usize {
    audit_log::Entity::find().all(db).await.unwrap().len()
}

/// Calls a list and returns the one entry it wrote.
async fn listed(
    app: &TestApp,
    client: &mut Client,
    endpoint: &str,
    args: &[(&str, &str)],
) -> (audit_log::Model, Vec<(i32, Option<i32>)>) {
    let before = entry_count(&app.db).await;
    let res = client.call(endpoint, args).await;
    assert_eq!(res.status, StatusCode::OK, "{endpoint}: {}", res.body);
    assert_eq!(entry_count(&app.db).await, before + 1, "{endpoint}");
    newest_entry(&app.db).await
}

async fn every_list_page_is_audited_with_what_it_showed(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let saar = add_customer(&app.db, "Saar", TERM).await;
    let other = add_customer(&app.db, "Joost", "Anders").await;
    let order_id = add_order(&app.db, Some(saar.id)).await;
    let anonymous_order = add_order(&app.db, None).await;
    let question_id = add_question(&app.db, saar.id).await;
    let item = add_item(&app.db, "audit", 4).await;
    let starts = at(2026, 12, 15, 9, 0);
    let booking = add_booking(&app.db, &item, saar.id, starts, 1).await;
    let mut owner = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;

    // The search: its customers, never the term.
    let (entry, shown) = listed(&app, &mut owner, "cms_customers", &[("query", TERM)]).await;
    assert_eq!(entry.action, "customer.list");
    assert_eq!(entry.entity_id, None);
    assert_eq!(shown, vec![(saar.id, Some(saar.id))]);
    let (_, shown) = listed(&app, &mut owner, "cms_customers", &[]).await;
    assert_eq!(
        shown,
        vec![(other.id, Some(other.id)), (saar.id, Some(saar.id))]
    );

    // The orders: each with its customer; an anonymised one with none.
    let (entry, shown) = listed(&app, &mut owner, "cms_orders", &[]).await;
    assert_eq!(entry.action, "order.list");
    assert_eq!(
        shown,
        vec![(anonymous_order, None), (order_id, Some(saar.id))]
    );

    let (entry, shown) = listed(&app, &mut owner, "cms_questions", &[]).await;
    assert_eq!(entry.action, "question.list");
    assert_eq!(shown, vec![(question_id, Some(saar.id))]);

    let (entry, shown) = listed(&app, &mut owner, "cms_bookings", &[]).await;
    assert_eq!(entry.action, "booking.list");
    assert_eq!(shown, vec![(booking.id, Some(saar.id))]);

    let agenda = [("date", "2026-12-15"), ("span", "week")];
    let (entry, shown) = listed(&app, &mut owner, "cms_booking_agenda", &agenda).await;
    assert_eq!(entry.action, "booking.agenda");
    assert_eq!(shown, vec![(booking.id, Some(saar.id))]);

    // A page that showed nobody is still a read.
    let (entry, shown) = listed(
        &app,
        &mut owner,
        "cms_customers",
        &[("query", "Niemandsland")],
    )
    .await;
    assert_eq!(entry.action, "customer.list");
    assert!(shown.is_empty());

    // The term (and the other one) is nowhere in the audit tables.
    let audit_rows: String = common::dump_all_text(&app.db)
        .await
        .lines()
        .filter(|l| l.starts_with("audit_"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(audit_rows.contains("customer.list"), "{audit_rows}");
    for term in [TERM, "Niemandsland", "Saar"] {
        assert!(!audit_rows.contains(term), "{term} in: {audit_rows}");
    }
    app.finish().await;
}

async fn the_owner_finds_who_saw_a_customer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let saar = add_customer(&app.db, "Saar", TERM).await;
    let other = add_customer(&app.db, "Joost", "Anders").await;
    let order_id = add_order(&app.db, Some(saar.id)).await;
    let mut clerk = common::staff_client(
        &app,
        "inpakker@example.nl",
        PASSWORD,
        false,
        &[Right::OrdersView],
    )
    .await;
    let since = app::ssr::now_utc() - chrono::Duration::minutes(1);
    assert_eq!(clerk.call("cms_orders", &[]).await.status, StatusCode::OK);
    let opened = clerk
        .call("cms_order", &[("id", &order_id.to_string())])
        .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let mut owner = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    let customer = owner
        .call("cms_customer", &[("id", &other.id.to_string())])
        .await;
    assert_eq!(customer.status, StatusCode::OK, "{}", customer.body);

    // Who saw Saar: the clerk, in the order list and in the order.
    let res = owner
        .call("cms_audit", &[("customer", &saar.id.to_string())])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let seen: Vec<(String, String)> = res
        .json()
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| {
            (
                e["staff_email"].as_str().unwrap().to_owned(),
                e["action"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        vec![
            ("inpakker@example.nl".to_owned(), "order.view".to_owned()),
            ("inpakker@example.nl".to_owned(), "order.list".to_owned()),
        ]
    );
    // Joost was seen by the owner only.
    let res = owner
        .call("cms_audit", &[("customer", &other.id.to_string())])
        .await;
    let entries = res.json();
    let entries = entries.as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{entries:?}");
    assert_eq!(entries[0]["action"], "customer.view");
    assert_eq!(entries[0]["staff_email"], "eigenaar@example.nl");

    // The filter by member: the clerk's two reads.
    let members = owner.call("cms_audit_members", &[]).await.json();
    let clerk_id = members
        .as_array()
        .expect("members")
        .iter()
        .find(|m| m["email"] == "inpakker@example.nl")
        .and_then(|m| m["id"].as_i64())
        .expect("the clerk is a choice")
        .to_string();
    let theirs = owner
        .call("cms_audit", &[("member", &clerk_id)])
        .await
        .json();
    let actions: Vec<&str> = theirs
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["order.view", "order.list"]);

    // Monitoring's count: records of customers shown, per member.
    let counts = records_read_by_member_since(&app.db, since).await.unwrap();
    let clerk_id: i32 = clerk_id.parse().unwrap();
    assert!(counts.contains(&(clerk_id, 2)), "{counts:?}");
    assert_eq!(counts.len(), 2, "{counts:?}");
    let later = app::ssr::now_utc() + chrono::Duration::minutes(1);
    assert!(records_read_by_member_since(&app.db, later)
        .await
        .unwrap()
        .is_empty());

    // Erased, Saar is unlinked from the trail as from her order: the
    // entries stay, tied to no one (an id handed out again after an old
    // backup is restored must not inherit them).
    let erased = owner
        .call("cms_delete_customer", &[("id", &saar.id.to_string())])
        .await;
    assert!(erased.status.is_success() || erased.status.is_redirection());
    let res = owner
        .call("cms_audit", &[("customer", &saar.id.to_string())])
        .await;
    assert_eq!(res.json(), serde_json::json!([]));
    let order_entries: Vec<i64> = audit_log::Entity::find()
        .filter(audit_log::Column::Entity.eq("order"))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.id)
        .collect();
    let kept = audit_subject::Entity::find()
        .filter(audit_subject::Column::AuditId.is_in(order_entries))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(kept.len(), 2);
    assert!(kept.iter().all(|s| s.customer_id.is_none()));
    app.finish().await;
}

async fn only_the_owner_asks_about_a_customer(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let saar = add_customer(&app.db, "Saar", TERM).await;
    let order_id = add_order(&app.db, Some(saar.id)).await;
    let mut clerk = common::staff_client(
        &app,
        "inpakker@example.nl",
        PASSWORD,
        false,
        &[Right::OrdersView, Right::AuditView],
    )
    .await;
    assert_eq!(clerk.call("cms_orders", &[]).await.status, StatusCode::OK);
    let id = saar.id.to_string();
    let export_path = format!("/cms/customers/{id}/access.json");

    // The log itself stays on its right; asking about a customer does not.
    assert_eq!(clerk.call("cms_audit", &[]).await.status, StatusCode::OK);
    let refused = clerk.call("cms_audit", &[("customer", &id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(clerk.get(&export_path).await.status, StatusCode::FORBIDDEN);
    let mut stranger = app.client();
    let anonymous = stranger.get(&export_path).await;
    assert!(anonymous.status.is_redirection(), "{}", anonymous.status);

    let mut owner = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    let res = owner.get(&export_path).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let disposition = res.headers["content-disposition"].to_str().unwrap();
    assert!(disposition.starts_with("attachment"), "{disposition}");
    let export: Value = res.json();
    assert_eq!(export["format"], "winkel-access-log/1");
    assert_eq!(export["customer_id"], saar.id);
    let entries = export["entries"].as_array().expect("entries");
    assert_eq!(entries.len(), 1, "{export}");
    assert_eq!(entries[0]["member"], "inpakker@example.nl");
    assert_eq!(entries[0]["action"], "order.list");
    assert_eq!(entries[0]["what"], "looked at the order list");
    assert_eq!(
        entries[0]["records"],
        serde_json::json!([format!("order {order_id}")])
    );

    // The download is itself an entry about the customer.
    let (entry, shown) = newest_entry(&app.db).await;
    assert_eq!(entry.action, "audit.export");
    assert_eq!(entry.entity_id, Some(saar.id));
    assert_eq!(shown, vec![(saar.id, Some(saar.id))]);
    let again: Value = owner.get(&export_path).await.json();
    let actions: Vec<&str> = again["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["order.list", "audit.export"]);
    app.finish().await;
}
