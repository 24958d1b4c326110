//! Bookings in the CMS over HTTP, on SQLite and MariaDB: the booking
//! rights, the audited view and status changes (a cancel gives the places
//! back), bookable items with their schedules, and the agenda in Amsterdam
//! time in a summer and a winter week. Items, customers and bookings are
//! written with the entities: the shop's booking form is not needed here.

use crate::common::{self, Backend, Client, TestApp};
use app::booking::rules::BookingStatus;
use app::cms::rules::Right;
use app::shop::rules::PaymentMethod;
use app::ssr::entities::{
    audit_log, bookable_item, booking, booking_closure, booking_date, booking_hour, booking_slot,
    customer,
};
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter,
};
use serde_json::Value;

on_both_databases!(
    booking_functions_need_the_booking_rights,
    a_booking_is_viewed_cancelled_and_attended_with_audit,
    bookable_items_and_schedules_are_validated_and_kept,
    the_agenda_shows_amsterdam_time_in_summer_and_winter,
);

const PASSWORD: &str = "een wachtwoord voor de agenda";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("valid time")
}

async fn add_item(db: &DatabaseConnection, slug: &str, capacity: i32) -> bookable_item::Model {
    bookable_item::ActiveModel {
        name: Set(format!("Workshop {slug}")),
        slug: Set(slug.to_owned()),
        description: Set(String::new()),
        image: Set(None),
        price_cents: Set(4500),
        vat_rate_bp: Set(2100),
        duration_minutes: Set(120),
        slot_minutes: Set(120),
        capacity: Set(capacity),
        horizon_days: Set(60),
        cancel_hours: Set(24),
        active: Set(true),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("item")
}

async fn add_customer(db: &DatabaseConnection, first: &str, last: &str) -> customer::Model {
    customer::ActiveModel {
        kind: Set(customer::CustomerKind::Customer),
        first_name: Set(first.to_owned()),
        last_name: Set(last.to_owned()),
        email: Set(format!("{}@example.nl", first.to_lowercase())),
        phone: Set("0612345678".to_owned()),
        street: Set("Kerkstraat".to_owned()),
        house_number: Set("1".to_owned()),
        postcode: Set("1234AB".to_owned()),
        city: Set("Utrecht".to_owned()),
        country: Set("NL".to_owned()),
        newsletter: Set(customer::NewsletterState::None),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("customer")
}

/// A booking of `places` in the slot at `starts_at` (UTC), its places
/// taken in the slot's row as the shop would.
async fn add_booking(
    db: &DatabaseConnection,
    item: &bookable_item::Model,
    customer_id: i32,
    starts_at: NaiveDateTime,
    places: i32,
) -> booking::Model {
    app::ssr::services::booking_slots::ensure_slot(db, item.id, starts_at)
        .await
        .expect("slot");
    app::ssr::services::booking_slots::take(db, item, starts_at, places)
        .await
        .expect("places");
    booking::ActiveModel {
        token: Set(common::unique("token")),
        customer_id: Set(Some(customer_id)),
        item_id: Set(item.id),
        item_name: Set(item.name.clone()),
        starts_at: Set(starts_at),
        duration_minutes: Set(item.duration_minutes),
        places: Set(places),
        status: Set(BookingStatus::Booked),
        payment_method: Set(PaymentMethod::BankTransfer),
        unit_price_cents: Set(item.price_cents),
        total_cents: Set(item.price_cents * i64::from(places)),
        vat_rate_bp: Set(item.vat_rate_bp),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
    .insert(db)
    .await
    .expect("booking")
}

async fn places_taken(db: &DatabaseConnection, item_id: i32, starts_at: NaiveDateTime) -> i32 {
    booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .one(db)
        .await
        .expect("query")
        .expect("slot row")
        .places_taken
}

async fn audit_count(db: &DatabaseConnection, action: &str, id: Option<i32>) -> u64 {
    let mut select = audit_log::Entity::find().filter(audit_log::Column::Action.eq(action));
    if let Some(id) = id {
        select = select.filter(audit_log::Column::EntityId.eq(id));
    }
    select.count(db).await.expect("count")
}

async fn staff(app: &TestApp, email: &str, rights: &[Right]) -> Client {
    common::staff_client(app, email, PASSWORD, false, rights).await
}

/// Every booking and bookable endpoint with arguments that would succeed.
fn booking_calls(
    booking_id: &str,
    item_id: &str,
) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let s = |v: &str| v.to_owned();
    vec![
        ("cms_booking_agenda", vec![]),
        ("cms_bookings", vec![]),
        ("cms_booking", vec![("id", s(booking_id))]),
        (
            "cms_set_booking_status",
            vec![("id", s(booking_id)), ("status", s("attended"))],
        ),
        ("cms_bookables", vec![]),
        ("cms_bookable", vec![("id", s(item_id))]),
        (
            "cms_save_bookable",
            vec![
                ("name", s("Bandenservice")),
                ("price", s("25")),
                ("vat_rate", s("21")),
                ("duration_minutes", s("60")),
                ("slot_minutes", s("60")),
                ("capacity", s("1")),
                ("horizon_days", s("30")),
                ("cancel_hours", s("24")),
            ],
        ),
        ("cms_delete_bookable", vec![("id", s(item_id))]),
        (
            "cms_add_booking_hours",
            vec![
                ("id", s(item_id)),
                ("weekday", s("0")),
                ("opens", s("09:00")),
                ("closes", s("17:00")),
            ],
        ),
        ("cms_delete_booking_hours", vec![("id", s("1"))]),
        (
            "cms_add_booking_date",
            vec![
                ("id", s(item_id)),
                ("date", s("2026-12-14")),
                ("time", s("19:00")),
            ],
        ),
        ("cms_delete_booking_date", vec![("id", s("1"))]),
        (
            "cms_add_booking_closure",
            vec![("id", s(item_id)), ("date", s("2026-12-24"))],
        ),
        ("cms_delete_booking_closure", vec![("id", s("1"))]),
    ]
}

async fn call(client: &mut Client, endpoint: &str, args: &[(&str, String)]) -> common::Response {
    let pairs: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
    client.call(endpoint, &pairs).await
}

async fn booking_functions_need_the_booking_rights(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app.db, "kookles-rechten", 8).await;
    let who = add_customer(&app.db, "Roos", "Rechten").await;
    let b = add_booking(&app.db, &item, who.id, at(2026, 12, 14, 18, 0), 1).await;
    let (booking_id, item_id) = (b.id.to_string(), item.id.to_string());
    let calls = booking_calls(&booking_id, &item_id);
    let registered: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(p, _)| p.trim_start_matches("/api/").to_owned())
        .filter(|p| p.starts_with("cms_book"))
        .collect();
    for endpoint in &registered {
        assert!(
            calls.iter().any(|(e, _)| e == endpoint),
            "{endpoint} is tried below"
        );
    }

    // Every other right, including the order rights: no door opens.
    let others: Vec<Right> = Right::ALL
        .into_iter()
        .filter(|r| ![Right::BookingsView, Right::BookingsEdit].contains(r))
        .collect();
    let mut shop_staff = staff(&app, "winkel@example.nl", &others).await;
    for (endpoint, args) in &calls {
        let res = call(&mut shop_staff, endpoint, args).await;
        assert_eq!(
            res.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            res.body
        );
    }

    // The teacher sees the agenda, the list and a booking, and changes
    // nothing.
    let mut teacher = staff(&app, "docent@example.nl", &[Right::BookingsView]).await;
    for (endpoint, args) in &calls {
        let res = call(&mut teacher, endpoint, args).await;
        let reads = ["cms_booking_agenda", "cms_bookings", "cms_booking"].contains(endpoint);
        let expected = if reads {
            StatusCode::OK
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(res.status, expected, "{endpoint} as viewer: {}", res.body);
    }
    let agenda = teacher
        .call(
            "cms_booking_agenda",
            &[("date", "2026-12-14"), ("span", "day")],
        )
        .await
        .json();
    assert_eq!(
        agenda["days"][0]["bookings"][0]["customer_name"],
        "Roos Rechten"
    );
    let unchanged = booking::Entity::find_by_id(b.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(unchanged.status, BookingStatus::Booked);
    assert_eq!(
        bookable_item::Entity::find()
            .filter(bookable_item::Column::Slug.eq("bandenservice"))
            .count(&app.db)
            .await
            .unwrap(),
        0
    );

    // The right to edit opens the changes.
    let mut planner = staff(&app, "planner@example.nl", &[Right::BookingsEdit]).await;
    let attended = planner
        .call(
            "cms_set_booking_status",
            &[("id", &booking_id), ("status", "attended")],
        )
        .await;
    assert_eq!(attended.status, StatusCode::OK, "{}", attended.body);
    app.finish().await;
}

async fn a_booking_is_viewed_cancelled_and_attended_with_audit(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app.db, "kookles-status", 8).await;
    let slot = at(2026, 12, 14, 18, 0);
    let anna = add_customer(&app.db, "Anna", "Status").await;
    let bert = add_customer(&app.db, "Bert", "Status").await;
    let first = add_booking(&app.db, &item, anna.id, slot, 3).await;
    let second = add_booking(&app.db, &item, bert.id, slot, 2).await;
    assert_eq!(places_taken(&app.db, item.id, slot).await, 5);
    let mut boss = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    let (first_id, second_id) = (first.id.to_string(), second.id.to_string());

    // The detail shows who comes, and that view is logged.
    assert_eq!(
        audit_count(&app.db, "booking.view", Some(first.id)).await,
        0
    );
    let detail = boss.call("cms_booking", &[("id", &first_id)]).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    let detail = detail.json();
    assert_eq!(detail["customer_name"], "Anna Status");
    assert_eq!(detail["customer_email"], "anna@example.nl");
    assert_eq!(detail["customer_id"], anna.id);
    assert_eq!(detail["starts_local"], "2026-12-14T19:00:00");
    assert_eq!(
        detail["next_statuses"],
        serde_json::json!(["cancelled", "attended"])
    );
    assert_eq!(
        audit_count(&app.db, "booking.view", Some(first.id)).await,
        1
    );
    assert_eq!(
        boss.call("cms_booking", &[("id", "999999")]).await.status,
        StatusCode::NOT_FOUND
    );

    // Back to "booked", or a status that does not exist: refused.
    for status in ["booked", "paid", ""] {
        let res = boss
            .call(
                "cms_set_booking_status",
                &[("id", &first_id), ("status", status)],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{status}: {}",
            res.body
        );
    }

    // Cancelling gives the three places back, once.
    let cancelled = boss
        .call(
            "cms_set_booking_status",
            &[("id", &first_id), ("status", "cancelled")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.body);
    assert_eq!(cancelled.json()["status"], "cancelled");
    assert_eq!(places_taken(&app.db, item.id, slot).await, 2);
    let row = booking::Entity::find_by_id(first.id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(row.status, BookingStatus::Cancelled);
    assert!(row.cancelled_at.is_some());
    assert_eq!(
        audit_count(&app.db, "booking.cancel", Some(first.id)).await,
        1
    );
    for status in ["cancelled", "attended"] {
        let again = boss
            .call(
                "cms_set_booking_status",
                &[("id", &first_id), ("status", status)],
            )
            .await;
        assert_eq!(
            again.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{status} twice"
        );
    }
    assert_eq!(
        places_taken(&app.db, item.id, slot).await,
        2,
        "released once"
    );
    assert_eq!(
        audit_count(&app.db, "booking.cancel", Some(first.id)).await,
        1
    );

    // Attended keeps its places; and stays attended.
    let attended = boss
        .call(
            "cms_set_booking_status",
            &[("id", &second_id), ("status", "attended")],
        )
        .await;
    assert_eq!(attended.status, StatusCode::OK, "{}", attended.body);
    assert_eq!(places_taken(&app.db, item.id, slot).await, 2);
    assert_eq!(
        audit_count(&app.db, "booking.attended", Some(second.id)).await,
        1
    );
    let again = boss
        .call(
            "cms_set_booking_status",
            &[("id", &second_id), ("status", "cancelled")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(places_taken(&app.db, item.id, slot).await, 2);
    assert_eq!(
        audit_count(&app.db, "booking.cancel", Some(second.id)).await,
        0
    );
    app.finish().await;
}

fn item_form(name: &str, slug: &str, price: &str, capacity: &str) -> Vec<(&'static str, String)> {
    vec![
        ("name", name.to_owned()),
        ("slug", slug.to_owned()),
        ("description", "Samen koken.".to_owned()),
        ("price", price.to_owned()),
        ("vat_rate", "9".to_owned()),
        ("duration_minutes", "150".to_owned()),
        ("slot_minutes", "150".to_owned()),
        ("capacity", capacity.to_owned()),
        ("horizon_days", "90".to_owned()),
        ("cancel_hours", "48".to_owned()),
        ("active", "on".to_owned()),
    ]
}

fn refused_fields(res: &common::Response) -> Vec<String> {
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    res.json()["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors in {}", res.body))
        .iter()
        .filter_map(|f| f["field"].as_str().map(str::to_owned))
        .collect()
}

async fn bookable_items_and_schedules_are_validated_and_kept(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;
    // The demo shop's items, plus the one this test makes.
    let seeded = bookable_item::Entity::find().count(&app.db).await.unwrap();
    let shop_closed = booking_closure::Entity::find()
        .filter(booking_closure::Column::ItemId.is_null())
        .count(&app.db)
        .await
        .unwrap();
    let taken = add_item(&app.db, "bezet", 1).await;

    let cases = [
        (item_form("", "", "45", "8"), "name"),
        (item_form("Pasta maken", "Pasta Maken!", "45", "8"), "slug"),
        (item_form("Pasta maken", "bezet", "45", "8"), "slug"),
        (item_form("Pasta maken", "", "gratis", "8"), "price"),
        (item_form("Pasta maken", "", "45", "0"), "capacity"),
        (item_form("Pasta maken", "", "45", "veel"), "capacity"),
    ];
    for (form, field) in &cases {
        let res = call(&mut boss, "cms_save_bookable", form).await;
        assert_eq!(refused_fields(&res), vec![field.to_owned()], "{form:?}");
    }
    // Updating an item may keep its own slug, not take another's.
    let own = call(
        &mut boss,
        "cms_save_bookable",
        &[
            vec![("id", taken.id.to_string())],
            item_form("Bezet", "bezet", "10", "2"),
        ]
        .concat(),
    )
    .await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.body);
    assert_eq!(
        audit_count(&app.db, "bookable.update", Some(taken.id)).await,
        1
    );
    assert_eq!(
        bookable_item::Entity::find().count(&app.db).await.unwrap(),
        seeded + 1,
        "nothing refused was stored"
    );

    let created = call(
        &mut boss,
        "cms_save_bookable",
        &item_form("Pasta maken", "", "€ 45,50", "8"),
    )
    .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let id = i32::try_from(created.json().as_i64().expect("the new id")).unwrap();
    let item = bookable_item::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (
            item.slug.as_str(),
            item.price_cents,
            item.vat_rate_bp,
            item.capacity,
            item.cancel_hours,
            item.active
        ),
        ("pasta-maken", 4550, 900, 8, 48, true)
    );
    assert_eq!(audit_count(&app.db, "bookable.create", None).await, 1);
    let id_text = id.to_string();

    // Weekly hours: times as HH:MM, closing after opening.
    let hours = |weekday: &str, opens: &str, closes: &str| {
        vec![
            ("id", id_text.clone()),
            ("weekday", weekday.to_owned()),
            ("opens", opens.to_owned()),
            ("closes", closes.to_owned()),
        ]
    };
    for (form, field) in [
        (hours("1", "17:00", "09:00"), "closes"),
        (hours("1", "09:00", "09:00"), "closes"),
        (hours("1", "25:00", "26:00"), "opens"),
        (hours("1", "9 uur", "17:00"), "opens"),
        (hours("7", "09:00", "17:00"), "weekday"),
    ] {
        let res = call(&mut boss, "cms_add_booking_hours", &form).await;
        assert!(
            refused_fields(&res).contains(&field.to_owned()),
            "{form:?}: {}",
            res.body
        );
    }
    let ok = call(
        &mut boss,
        "cms_add_booking_hours",
        &hours("2", "18:30", "21:00"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let ok = call(
        &mut boss,
        "cms_add_booking_hours",
        &hours("5", "10:00", "12:30"),
    )
    .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // One-off dates typed in Amsterdam time are stored in UTC.
    for (date, time) in [("2026-03-14", "19:00"), ("2026-07-01", "19:00")] {
        let res = call(
            &mut boss,
            "cms_add_booking_date",
            &[
                ("id", id_text.clone()),
                ("date", date.to_owned()),
                ("time", time.to_owned()),
            ],
        )
        .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let bad = call(
        &mut boss,
        "cms_add_booking_date",
        &[
            ("id", id_text.clone()),
            ("date", "14 maart".to_owned()),
            ("time", "19:00".to_owned()),
        ],
    )
    .await;
    assert_eq!(refused_fields(&bad), vec!["date".to_owned()]);
    let mut stored: Vec<NaiveDateTime> = booking_date::Entity::find()
        .filter(booking_date::Column::ItemId.eq(id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.starts_at)
        .collect();
    stored.sort();
    assert_eq!(stored, vec![at(2026, 3, 14, 18, 0), at(2026, 7, 1, 17, 0)]);

    // Closed days: this item's and every item's.
    let mine = call(
        &mut boss,
        "cms_add_booking_closure",
        &[("id", id_text.clone()), ("date", "2026-12-24".to_owned())],
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let all = call(
        &mut boss,
        "cms_add_booking_closure",
        &[("date", "2026-12-25".to_owned())],
    )
    .await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let closures = booking_closure::Entity::find().all(&app.db).await.unwrap();
    assert!(closures
        .iter()
        .any(|c| c.item_id == Some(id)
            && c.closed_on == NaiveDate::from_ymd_opt(2026, 12, 24).unwrap()));
    assert!(closures
        .iter()
        .any(|c| c.item_id.is_none()
            && c.closed_on == NaiveDate::from_ymd_opt(2026, 12, 25).unwrap()));

    let admin = boss.call("cms_bookable", &[("id", &id_text)]).await.json();
    assert_eq!(admin["hours"][0]["weekday"], 2);
    assert_eq!(admin["hours"][0]["opens"], "18:30");
    assert_eq!(admin["hours"][1]["closes"], "12:30");
    assert_eq!(admin["dates"][0]["starts_local"], "2026-03-14T19:00:00");
    assert_eq!(admin["dates"][1]["starts_local"], "2026-07-01T19:00:00");
    // The item's own closed day, the shop-wide one made here, and the
    // demo shop's holidays.
    let closures = usize::try_from(shop_closed).unwrap() + 2;
    assert_eq!(admin["closures"].as_array().map(Vec::len), Some(closures));
    // Six schedule changes were made (one for every item), each audited.
    assert_eq!(audit_count(&app.db, "bookable.schedule", Some(id)).await, 5);
    assert_eq!(audit_count(&app.db, "bookable.schedule", None).await, 6);

    let hour_id = admin["hours"][0]["id"].to_string();
    let removed = boss
        .call("cms_delete_booking_hours", &[("id", &hour_id)])
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);
    assert_eq!(
        booking_hour::Entity::find()
            .filter(booking_hour::Column::ItemId.eq(id))
            .count(&app.db)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        boss.call("cms_delete_booking_hours", &[("id", &hour_id)])
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // An item with a booking stays (deactivate it instead); one without
    // goes, with its schedule.
    let who = add_customer(&app.db, "Cas", "Wissen").await;
    add_booking(&app.db, &item, who.id, at(2026, 7, 1, 17, 0), 1).await;
    let refused = boss.call("cms_delete_bookable", &[("id", &id_text)]).await;
    assert_eq!(refused_fields(&refused), vec!["id".to_owned()]);
    assert!(refused.body.contains("ItemHasBookings"), "{}", refused.body);
    assert!(bookable_item::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .is_some());
    let gone = boss
        .call("cms_delete_bookable", &[("id", &taken.id.to_string())])
        .await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert!(bookable_item::Entity::find_by_id(taken.id)
        .one(&app.db)
        .await
        .unwrap()
        .is_none());
    assert_eq!(
        audit_count(&app.db, "bookable.delete", Some(taken.id)).await,
        1
    );
    assert_eq!(audit_count(&app.db, "bookable.delete", Some(id)).await, 0);
    app.finish().await;
}

async fn the_agenda_shows_amsterdam_time_in_summer_and_winter(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app.db, "kookles-agenda", 8).await;
    let other = add_item(&app.db, "fiets-agenda", 1).await;
    let who = add_customer(&app.db, "Daan", "Agenda").await;
    // 19:00 in Amsterdam: 17:00 UTC in summer, 18:00 UTC in winter.
    let summer = add_booking(&app.db, &item, who.id, at(2026, 7, 15, 17, 0), 2).await;
    let winter = add_booking(&app.db, &item, who.id, at(2026, 1, 14, 18, 0), 1).await;
    // 23:30 UTC on 15 July is 01:30 on the 16th in Amsterdam.
    let late = add_booking(&app.db, &other, who.id, at(2026, 7, 15, 23, 30), 1).await;
    let mut boss = common::staff_client(&app, "eigenaar@example.nl", PASSWORD, true, &[]).await;

    let week = boss
        .call(
            "cms_booking_agenda",
            &[("date", "2026-07-15"), ("span", "week")],
        )
        .await
        .json();
    assert_eq!(week["week"], true);
    let days = week["days"].as_array().expect("days");
    assert_eq!(days.len(), 7);
    assert_eq!(days[0]["date"], "2026-07-13", "the week starts on Monday");
    assert_eq!(week["previous"], "2026-07-06");
    assert_eq!(week["next"], "2026-07-20");
    let wednesday = &days[2]["bookings"];
    assert_eq!(wednesday.as_array().map(Vec::len), Some(1));
    assert_eq!(wednesday[0]["id"], summer.id);
    assert_eq!(wednesday[0]["starts_local"], "2026-07-15T19:00:00");
    assert_eq!(wednesday[0]["ends_local"], "2026-07-15T21:00:00");
    assert_eq!(wednesday[0]["customer_name"], "Daan Agenda");
    assert_eq!(days[3]["bookings"][0]["id"], late.id);
    assert_eq!(
        days[3]["bookings"][0]["starts_local"],
        "2026-07-16T01:30:00"
    );

    let winter_week = boss
        .call(
            "cms_booking_agenda",
            &[("date", "2026-01-14"), ("span", "week")],
        )
        .await
        .json();
    let winter_day = &winter_week["days"][2];
    assert_eq!(winter_day["date"], "2026-01-14");
    assert_eq!(winter_day["bookings"][0]["id"], winter.id);
    assert_eq!(
        winter_day["bookings"][0]["starts_local"],
        "2026-01-14T19:00:00"
    );

    let day = boss
        .call(
            "cms_booking_agenda",
            &[("date", "2026-07-16"), ("span", "day")],
        )
        .await
        .json();
    assert_eq!(day["days"].as_array().map(Vec::len), Some(1));
    assert_eq!(day["days"][0]["bookings"][0]["id"], late.id);
    assert_eq!(
        (day["previous"].as_str(), day["next"].as_str()),
        (Some("2026-07-15"), Some("2026-07-17"))
    );
    assert_eq!(
        boss.call("cms_booking_agenda", &[("date", "morgen")])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // The list, by item, status and (Amsterdam) date.
    let ids = |page: &Value| -> Vec<i64> {
        page["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect()
    };
    let all = boss.call("cms_bookings", &[]).await.json();
    assert_eq!(
        ids(&all),
        vec![
            i64::from(late.id),
            i64::from(winter.id),
            i64::from(summer.id)
        ]
    );
    let other_id = other.id.to_string();
    let by_item = boss
        .call("cms_bookings", &[("item", &other_id)])
        .await
        .json();
    assert_eq!(ids(&by_item), vec![i64::from(late.id)]);
    let on_the_16th = boss
        .call(
            "cms_bookings",
            &[("from", "2026-07-16"), ("to", "2026-07-16")],
        )
        .await
        .json();
    assert_eq!(
        ids(&on_the_16th),
        vec![i64::from(late.id)],
        "01:30 local is the 16th"
    );
    let summer_days = boss
        .call(
            "cms_bookings",
            &[("from", "2026-07-01"), ("to", "2026-07-15")],
        )
        .await
        .json();
    assert_eq!(ids(&summer_days), vec![i64::from(summer.id)]);
    let attended = boss
        .call("cms_bookings", &[("status", "attended")])
        .await
        .json();
    assert!(ids(&attended).is_empty());
    for (name, value) in [
        ("status", "betaald"),
        ("from", "gisteren"),
        ("item", "fiets"),
    ] {
        assert_eq!(
            boss.call("cms_bookings", &[(name, value)]).await.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name}={value}"
        );
    }
    app.finish().await;
}
