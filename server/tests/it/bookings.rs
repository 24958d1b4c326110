//! Bookings over HTTP, on SQLite and on MariaDB: the month view, booking as
//! guest, logged in or with a new account, the refusals of bad slots, the
//! last place under a crowd of parallel bookers, the cancel window and the
//! week of the DST change.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{call_from, registration, Backend, Client, TestApp};
use app::booking::models::BookingInput;
use app::booking::rules::{slot_param, BookingStatus, SlotRefusal};
use app::clock::{amsterdam_to_utc, shop_today};
use app::customer::CustomerInput;
use app::error::AppError;
use app::ssr::entities::{
    bookable_item, booking, booking_closure, booking_hour, booking_slot, customer,
};
use app::ssr::now_utc;
use axum::http::StatusCode;
use chrono::{Datelike, Days, NaiveDate, NaiveDateTime, NaiveTime};
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    the_demo_offers_three_items_with_free_slots,
    guest_booking_writes_booking_customer_and_mail,
    booking_while_logged_in_is_linked_and_listed,
    an_account_can_be_created_while_booking,
    bad_bookings_are_refused_with_a_clear_message,
    the_booking_form_has_a_honeypot_and_a_form_limit,
    last_place_goes_to_exactly_one_of_many_bookers,
    a_customer_cancels_within_the_window_only,
    slots_keep_their_local_time_across_the_dst_change,
    the_booking_pages_work_without_javascript,
);

const EMAIL: &str = "fien.fietser@example.nl";

fn form<'a>(slug: &'a str, slot: &'a str, places: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("slug", slug),
        ("slot", slot),
        ("places", places),
        ("email", EMAIL),
        ("first_name", "Fien"),
        ("last_name", "Fietser"),
        ("gender", "f"),
        ("street", "Dorpsstraat"),
        ("house_number", "12a"),
        ("postcode", "3511ab"),
        ("city", "Utrecht"),
        ("country", "NL"),
        ("phone", "06-12345678"),
        ("payment_method", "bank_transfer"),
    ]
}

fn with<'a>(
    mut pairs: Vec<(&'a str, &'a str)>,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    for (name, value) in extra {
        pairs.retain(|(n, _)| n != name);
        pairs.push((name, value));
    }
    pairs
}

/// A test item open every day from `opens` to `closes` (hours), hourly
/// slots of an hour.
async fn add_item(
    app: &TestApp,
    slug: &str,
    capacity: i32,
    cancel_hours: i32,
    horizon_days: i32,
    (opens, closes): (i32, i32),
) -> bookable_item::Model {
    let id = bookable_item::Entity::insert(bookable_item::ActiveModel {
        name: Set(format!("Test {slug}")),
        slug: Set(slug.into()),
        description: Set("Een uur.".into()),
        image: Set(None),
        price_cents: Set(2000),
        vat_rate_bp: Set(2100),
        duration_minutes: Set(60),
        slot_minutes: Set(60),
        capacity: Set(capacity),
        horizon_days: Set(horizon_days),
        cancel_hours: Set(cancel_hours),
        active: Set(true),
        created_at: Set(now_utc()),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap()
    .last_insert_id;
    for weekday in 0..7 {
        booking_hour::Entity::insert(booking_hour::ActiveModel {
            item_id: Set(id),
            weekday: Set(weekday),
            opens_minute: Set(opens * 60),
            closes_minute: Set(closes * 60),
            ..Default::default()
        })
        .exec(&app.db)
        .await
        .unwrap();
    }
    bookable_item::Entity::find_by_id(id)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
}

fn local(date: NaiveDate, hour: u32) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).unwrap())
}

/// The slot `days` after today (Amsterdam) at `hour` local time: its UTC
/// instant and its form value.
fn slot_in(days: u64, hour: u32) -> (NaiveDateTime, String) {
    let day = shop_today(now_utc()) + Days::new(days);
    let utc = amsterdam_to_utc(local(day, hour));
    (utc, slot_param(utc))
}

fn error(res: &crate::common::Response) -> AppError {
    serde_json::from_str(&res.body).unwrap_or_else(|e| panic!("{e}: {}", res.body))
}

fn fields(res: &crate::common::Response) -> Vec<String> {
    res.json()["Validation"]
        .as_array()
        .unwrap_or_else(|| panic!("field errors: {}", res.body))
        .iter()
        .filter_map(|f| f["field"].as_str().map(str::to_owned))
        .collect()
}

async fn booking_by(app: &TestApp, token: &str) -> booking::Model {
    booking::Entity::find()
        .filter(booking::Column::Token.eq(token))
        .one(&app.db)
        .await
        .unwrap()
        .expect("booking")
}

async fn taken(app: &TestApp, item_id: i32, starts_at: NaiveDateTime) -> i32 {
    booking_slot::Entity::find()
        .filter(booking_slot::Column::ItemId.eq(item_id))
        .filter(booking_slot::Column::StartsAt.eq(starts_at))
        .one(&app.db)
        .await
        .unwrap()
        .map_or(0, |s| s.places_taken)
}

async fn counts(app: &TestApp) -> (u64, u64) {
    (
        booking::Entity::find().count(&app.db).await.unwrap(),
        customer::Entity::find().count(&app.db).await.unwrap(),
    )
}

/// The free slots of an item's page, month by month up to the horizon.
async fn free_slots(client: &mut Client, slug: &str) -> Vec<(String, i64)> {
    let mut month: Option<String> = None;
    let mut found = Vec::new();
    loop {
        let mut args = vec![("slug", slug)];
        if let Some(m) = &month {
            args.push(("month", m));
        }
        let res = client.call("get_bookable", &args).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        let detail = res.json();
        for week in detail["month"]["weeks"].as_array().unwrap() {
            for day in week.as_array().unwrap() {
                for slot in day["slots"].as_array().unwrap() {
                    let left = slot["places_left"].as_i64().unwrap();
                    if left > 0 {
                        found.push((slot["slot"].as_str().unwrap().to_owned(), left));
                    }
                }
            }
        }
        match detail["month"]["next"].as_str() {
            Some(next) => month = Some(next.to_owned()),
            None => return found,
        }
    }
}

async fn log_in_new_customer(app: &TestApp, email: &str) -> (Client, i32) {
    let mut client = app.client();
    let res = client.call("register", &registration(email)).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let res = client
        .call(
            "login",
            &[("email", email), ("password", "vier koeien in de wei")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let id = customer::Entity::find()
        .filter(customer::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .expect("account")
        .id;
    (client, id)
}

async fn the_demo_offers_three_items_with_free_slots(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let list = client.call("get_bookables", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let names: Vec<String> = list
        .json()
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        names,
        ["Adviesgesprek", "Fietsreparatie", "Kookworkshop pasta"]
    );
    for slug in ["adviesgesprek", "fietsreparatie", "kookworkshop-pasta"] {
        let slots = free_slots(&mut client, slug).await;
        assert!(!slots.is_empty(), "{slug} has no free slot");
    }
    // The workshop's evenings: 19:00, eight places each.
    let evenings = free_slots(&mut client, "kookworkshop-pasta").await;
    assert!(evenings.len() >= 5, "{evenings:?}");
    assert!(evenings
        .iter()
        .all(|(slot, left)| slot.contains("T19:00+") && *left == 8));
    // The whole shop is closed on Christmas day.
    let closed: Vec<NaiveDate> = booking_closure::Entity::find()
        .filter(booking_closure::Column::ItemId.is_null())
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|c| c.closed_on)
        .collect();
    assert!(closed
        .iter()
        .any(|d| d.format("%m-%d").to_string() == "12-25"));
    app.finish().await;
}

async fn guest_booking_writes_booking_customer_and_mail(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut client = app.client();
    let slug = "kookworkshop-pasta";
    let (slot, left) = free_slots(&mut client, slug).await.remove(0);
    assert_eq!(left, 8);
    let before = counts(&app).await;

    let res = client.call("book_slot", &form(slug, &slot, "2")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().expect("token").to_owned();
    assert!(token.len() == 32 && token.bytes().all(|b| b.is_ascii_hexdigit()));

    let booked = booking_by(&app, &token).await;
    assert_eq!(booked.item_name, "Kookworkshop pasta");
    assert_eq!(slot_param(booked.starts_at), slot);
    assert_eq!(booked.places, 2);
    assert_eq!(booked.status, BookingStatus::Booked);
    assert_eq!((booked.unit_price_cents, booked.total_cents), (7500, 15000));
    assert_eq!(booked.vat_rate_bp, 2100);
    assert_eq!(counts(&app).await, (before.0 + 1, before.1 + 1));
    let guest = customer::Entity::find_by_id(booked.customer_id.expect("linked"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (guest.email.as_str(), guest.postcode.as_str()),
        (EMAIL, "3511 AB")
    );
    assert!(guest.password_hash.is_none());
    assert_eq!(taken(&app, booked.item_id, booked.starts_at).await, 2);
    let still = free_slots(&mut client, slug).await;
    assert!(still.contains(&(slot.clone(), 6)), "{still:?}");

    let mails = app.mails().await;
    let mail = mails
        .iter()
        .find(|m| m.contains("Kookworkshop pasta"))
        .expect("a confirmation mail");
    assert!(mail.contains(EMAIL), "{mail}");
    assert!(
        mail.contains(&format!("/bookings/confirmed/{token}")),
        "{mail}"
    );
    assert!(
        mail.contains("om 19:00 uur") && mail.contains("Plaatsen: 2"),
        "{mail}"
    );
    assert!(
        mail.contains("150,00") && mail.contains("Annuleren kan tot"),
        "{mail}"
    );
    assert!(
        !mail.contains("Fien") && !mail.contains("Dorpsstraat"),
        "{mail}"
    );

    let view = client.call("get_booking", &[("token", &token)]).await;
    assert_eq!(view.status, StatusCode::OK, "{}", view.body);
    assert_eq!(view.json()["places"], 2);
    assert_eq!(view.json()["status"], "booked");
    let page = client.get(&format!("/bookings/confirmed/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Kookworkshop pasta") && page.body.contains("19:00"));
    let unknown = client
        .get("/bookings/confirmed/0123456789abcdef0123456789abcdef")
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    app.finish().await;
}

async fn booking_while_logged_in_is_linked_and_listed(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app, "werkplaats", 2, 24, 30, (9, 17)).await;
    let (mut client, id) = log_in_new_customer(&app, "ingelogd@example.nl").await;
    let before = counts(&app).await;
    let (later, later_param) = slot_in(5, 10);
    let (sooner, sooner_param) = slot_in(2, 9);
    for slot in [&later_param, &sooner_param] {
        let res = client
            .call(
                "book_slot",
                &with(
                    form("werkplaats", slot, "1"),
                    &[("email", "ingelogd@example.nl")],
                ),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    assert_eq!(
        counts(&app).await,
        (before.0 + 2, before.1),
        "no new customer record"
    );
    let mine = client.call("get_my_bookings", &[]).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let mine = mine.json();
    let starts: Vec<&str> = mine
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["starts_local"].as_str().unwrap())
        .collect();
    let expect = |utc: NaiveDateTime| {
        app::clock::amsterdam_local(utc)
            .format("%Y-%m-%dT%H:%M:%S")
            .to_string()
    };
    assert_eq!(starts, [expect(sooner), expect(later)], "soonest first");
    assert_eq!(mine[0]["can_cancel"], true);
    assert_eq!(mine[0]["item_name"], "Test werkplaats");
    let linked = booking::Entity::find()
        .filter(booking::Column::ItemId.eq(item.id))
        .all(&app.db)
        .await
        .unwrap();
    assert!(linked.iter().all(|b| b.customer_id == Some(id)));

    // Someone else sees none of them; a visitor must log in.
    let (mut other, _) = log_in_new_customer(&app, "ander@example.nl").await;
    assert_eq!(
        other.call("get_my_bookings", &[]).await.json(),
        serde_json::json!([])
    );
    let res = app.client().call("get_my_bookings", &[]).await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED);
    app.finish().await;
}

async fn an_account_can_be_created_while_booking(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    add_item(&app, "advies", 1, 24, 30, (9, 17)).await;
    let mut client = app.client();
    let (_, slot) = slot_in(3, 11);
    let email = "nieuw.account@example.nl";
    let weak = client
        .call(
            "book_slot",
            &with(
                form("advies", &slot, "1"),
                &[
                    ("email", email),
                    ("create_account", "on"),
                    ("password", "kort"),
                ],
            ),
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );
    assert_eq!(fields(&weak), ["password"]);
    let res = client
        .call(
            "book_slot",
            &with(
                form("advies", &slot, "1"),
                &[
                    ("email", email),
                    ("create_account", "on"),
                    ("password", "vier koeien in de wei"),
                ],
            ),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let booked = booking_by(&app, res.json().as_str().unwrap()).await;
    let account = customer::Entity::find_by_id(booked.customer_id.unwrap())
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(account.email, email);
    assert!(account.password_hash.is_some(), "an account");

    let mut again = app.client();
    let res = again
        .call(
            "login",
            &[("email", email), ("password", "vier koeien in de wei")],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let mine = again.call("get_my_bookings", &[]).await.json();
    assert_eq!(mine.as_array().map(Vec::len), Some(1));
    let mails = app.mails().await;
    assert!(mails
        .iter()
        .any(|m| m.contains(email) && m.contains("account")));
    assert!(mails
        .iter()
        .any(|m| m.contains(email) && m.contains("Test advies")));
    app.finish().await;
}

async fn bad_bookings_are_refused_with_a_clear_message(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app, "reparatie", 2, 24, 30, (9, 17)).await;
    let closed = shop_today(now_utc()) + Days::new(4);
    booking_closure::Entity::insert(booking_closure::ActiveModel {
        item_id: Set(Some(item.id)),
        closed_on: Set(closed),
        ..Default::default()
    })
    .exec(&app.db)
    .await
    .unwrap();
    let mut client = app.client();
    let before = counts(&app).await;

    // Every missing field is named at once.
    let res = client.call("book_slot", &[("slug", "reparatie")]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    let named = fields(&res);
    for field in [
        "email",
        "first_name",
        "last_name",
        "street",
        "city",
        "phone",
        "slot",
        "payment_method",
    ] {
        assert!(named.iter().any(|f| f == field), "{field} not in {named:?}");
    }

    let slot_message = |res: &crate::common::Response| {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        assert_eq!(fields(res), ["slot"]);
        app::i18n::field_message(&app::validate::FieldError::Slot)
    };
    // Not a time, a time without offset, Amsterdam's summer offset in
    // December: all "choose a time from the calendar".
    let (winter, _) = slot_in(2, 10);
    let wrong_offset = format!(
        "{}+02:00",
        app::clock::amsterdam_local(winter).format("%Y-%m-%dT%H:%M")
    );
    let wrong_offset = if app::clock::amsterdam_offset_hours(winter) == 2 {
        wrong_offset.replace("+02:00", "+01:00")
    } else {
        wrong_offset
    };
    for bad in [
        "morgen om tien",
        "2026-12-14T19:00",
        "2026-12-14 19:00+01:00",
        wrong_offset.as_str(),
    ] {
        let res = client.call("book_slot", &form("reparatie", bad, "1")).await;
        assert_eq!(slot_message(&res), "Kies een tijd uit de agenda.", "{bad}");
    }

    let refused = |res: &crate::common::Response, why: SlotRefusal| {
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
        let e = error(res);
        assert_eq!(e, AppError::SlotRefused(why));
        assert_eq!(e.user_message(), app::i18n::slot_refusal_message(why));
    };
    let (past, _) = slot_in(0, 9);
    let past = slot_param(past - chrono::TimeDelta::days(1));
    let res = client
        .call("book_slot", &form("reparatie", &past, "1"))
        .await;
    refused(&res, SlotRefusal::Past);
    let (_, on_closed) = slot_in(4, 10);
    let res = client
        .call("book_slot", &form("reparatie", &on_closed, "1"))
        .await;
    refused(&res, SlotRefusal::Closed);
    let (_, far) = slot_in(45, 10);
    let res = client
        .call("book_slot", &form("reparatie", &far, "1"))
        .await;
    refused(&res, SlotRefusal::BeyondHorizon);
    // Half past on hourly slots, and after closing time.
    let (ten, _) = slot_in(2, 10);
    for not_a_slot in [
        slot_param(ten + chrono::TimeDelta::minutes(30)),
        slot_in(2, 17).1,
        slot_in(2, 7).1,
    ] {
        let res = client
            .call("book_slot", &form("reparatie", &not_a_slot, "1"))
            .await;
        refused(&res, SlotRefusal::NoSuchSlot);
    }

    // Places: 1 up to the capacity, a whole number.
    let (_, good) = slot_in(2, 10);
    for places in ["3", "0", "-1", "twee", "1.5", "99999999999"] {
        let res = client
            .call("book_slot", &form("reparatie", &good, places))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{places}: {}",
            res.body
        );
        assert_eq!(fields(&res), ["places"], "{places}");
        assert_eq!(
            res.json()["Validation"][0]["error"]["Number"],
            serde_json::json!({"min": 1, "max": 2})
        );
    }
    // A payment method this visitor is not entitled to.
    let res = client
        .call(
            "book_slot",
            &with(
                form("reparatie", &good, "1"),
                &[("payment_method", "on_account")],
            ),
        )
        .await;
    assert_eq!(fields(&res), ["payment_method"]);
    // An unknown or inactive item.
    let res = client
        .call("book_slot", &form("bestaat-niet", &good, "1"))
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    assert_eq!(
        client.get("/bookings/bestaat-niet").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(counts(&app).await, before, "nothing written");
    assert_eq!(
        taken(
            &app,
            item.id,
            amsterdam_to_utc(local(shop_today(now_utc()) + Days::new(2), 10))
        )
        .await,
        0
    );
    app.finish().await;
}

async fn the_booking_form_has_a_honeypot_and_a_form_limit(backend: Backend) {
    let Some(app) = TestApp::start_with(backend, |config| config.form_limit = 3).await else {
        return;
    };
    add_item(&app, "kapper", 4, 24, 30, (9, 17)).await;
    let (_, slot) = slot_in(2, 10);
    let before = counts(&app).await;
    let mut bot = app.client();
    let just_now = crate::common::form_token(1);
    for extra in [
        &[("website", "http://spam.example")][..],
        &[("form_started", just_now.as_str())][..],
        &[("form_started", "")][..],
    ] {
        let res = bot
            .call("book_slot", &with(form("kapper", &slot, "1"), extra))
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{}", res.body);
        assert_eq!(error(&res), AppError::FormRefused);
    }
    assert_eq!(counts(&app).await, before, "a bot's booking was stored");

    // One visitor (one address) may send three booking forms per window;
    // another address has its own count.
    let here = "203.0.113.9:40000";
    for _ in 0..3 {
        let res = bot
            .send(call_from(
                here,
                "book_slot",
                &form("kapper", &slot, "1"),
                "application/json",
            ))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    }
    let res = bot
        .send(call_from(
            here,
            "book_slot",
            &form("kapper", &slot, "1"),
            "application/json",
        ))
        .await;
    assert_eq!(res.status, StatusCode::TOO_MANY_REQUESTS, "{}", res.body);
    assert!(matches!(error(&res), AppError::TooManyForms { .. }));
    let res = app
        .client()
        .send(call_from(
            "198.51.100.3:40000",
            "book_slot",
            &form("kapper", &slot, "1"),
            "application/json",
        ))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(counts(&app).await.0, before.0 + 4);
    app.finish().await;
}

async fn last_place_goes_to_exactly_one_of_many_bookers(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app, "workshop", 3, 24, 30, (9, 17)).await;
    let (starts, slot) = slot_in(3, 14);
    let res = app
        .client()
        .call("book_slot", &form("workshop", &slot, "2"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    // Two places asked for, one left: refused with what is left.
    let res = app
        .client()
        .call("book_slot", &form("workshop", &slot, "2"))
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{}", res.body);
    assert_eq!(error(&res), AppError::SlotFull { left: 1 });

    let bookers: Vec<_> = (0..12)
        .map(|n| {
            let mut client = app.client();
            let slot = slot.clone();
            tokio::spawn(async move {
                let email = format!("booker{n}@example.nl");
                let pairs = with(form("workshop", &slot, "1"), &[("email", &email)]);
                client.call("book_slot", &pairs).await
            })
        })
        .collect();
    let mut statuses = Vec::new();
    for booker in bookers {
        let res = booker.await.unwrap();
        if res.status == StatusCode::CONFLICT {
            assert_eq!(error(&res), AppError::SlotFull { left: 0 });
        }
        statuses.push(res.status);
    }
    let won = statuses.iter().filter(|s| **s == StatusCode::OK).count();
    let lost = statuses
        .iter()
        .filter(|s| **s == StatusCode::CONFLICT)
        .count();
    assert_eq!((won, lost), (1, 11), "{statuses:?}");
    assert_eq!(taken(&app, item.id, starts).await, 3);
    let places: i32 = booking::Entity::find()
        .filter(booking::Column::ItemId.eq(item.id))
        .all(&app.db)
        .await
        .unwrap()
        .iter()
        .map(|b| b.places)
        .sum();
    assert_eq!(places, 3, "bookings hold exactly the capacity");
    let full = free_slots(&mut app.client(), "workshop").await;
    assert!(
        !full.iter().any(|(s, _)| *s == slot),
        "a full slot is not free"
    );
    app.finish().await;
}

async fn a_customer_cancels_within_the_window_only(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let item = add_item(&app, "consult", 1, 24, 30, (9, 17)).await;
    let (mut client, id) = log_in_new_customer(&app, "annuleer@example.nl").await;
    let (starts, slot) = slot_in(3, 10);
    let res = client.call("book_slot", &form("consult", &slot, "1")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().unwrap().to_owned();
    assert_eq!(taken(&app, item.id, starts).await, 1);

    // Someone else's token is not found; a visitor must log in.
    let (mut other, _) = log_in_new_customer(&app, "iemand.anders@example.nl").await;
    let res = other.call("cancel_booking", &[("token", &token)]).await;
    assert_eq!(res.status, StatusCode::NOT_FOUND, "{}", res.body);
    let res = app
        .client()
        .call("cancel_booking", &[("token", &token)])
        .await;
    assert_eq!(res.status, StatusCode::UNAUTHORIZED, "{}", res.body);
    assert_eq!(booking_by(&app, &token).await.status, BookingStatus::Booked);

    // Three days ahead, 24 hours' notice: cancelled, the place is free.
    let res = client.call("cancel_booking", &[("token", &token)]).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let cancelled = booking_by(&app, &token).await;
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert!(cancelled.cancelled_at.is_some());
    assert_eq!(taken(&app, item.id, starts).await, 0);
    assert!(free_slots(&mut client, "consult")
        .await
        .contains(&(slot.clone(), 1)));
    // Twice: refused, and the places are not given back again.
    let res = client.call("cancel_booking", &[("token", &token)]).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", res.body);
    assert_eq!(
        error(&res),
        AppError::SlotRefused(SlotRefusal::NotCancellable)
    );
    assert_eq!(taken(&app, item.id, starts).await, 0);

    // The cut-off: an hour before it fine, an hour after it refused.
    let res = client.call("book_slot", &form("consult", &slot, "1")).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let token = res.json().as_str().unwrap().to_owned();
    let cut_off = starts - chrono::TimeDelta::hours(24);
    let late = app::ssr::services::bookings::cancel_by_customer(
        &app.state,
        id,
        &token,
        cut_off + chrono::TimeDelta::hours(1),
    )
    .await;
    assert_eq!(
        late,
        Err(AppError::SlotRefused(SlotRefusal::TooLateToCancel))
    );
    assert_eq!(
        app::i18n::slot_refusal_message(SlotRefusal::TooLateToCancel),
        AppError::SlotRefused(SlotRefusal::TooLateToCancel).user_message()
    );
    let view = app::ssr::services::bookings::by_token(
        &app.db,
        &token,
        cut_off + chrono::TimeDelta::hours(1),
    )
    .await
    .unwrap();
    assert!(!view.can_cancel && view.upcoming);
    assert_eq!(taken(&app, item.id, starts).await, 1);
    app::ssr::services::bookings::cancel_by_customer(
        &app.state,
        id,
        &token,
        cut_off - chrono::TimeDelta::hours(1),
    )
    .await
    .expect("cancelled before the cut-off");
    assert_eq!(taken(&app, item.id, starts).await, 0);

    // Without JavaScript the cancel form returns to Mijn account.
    let res = client.call("book_slot", &form("consult", &slot, "1")).await;
    let token = res.json().as_str().unwrap().to_owned();
    let res = client
        .post_form(
            "cancel_booking",
            "http://winkel.example/account",
            &[("token", &token)],
        )
        .await;
    assert!(res.status.is_redirection(), "{}: {}", res.status, res.body);
    assert_eq!(res.location().as_deref(), Some("/account"));
    assert_eq!(
        booking_by(&app, &token).await.status,
        BookingStatus::Cancelled
    );
    app.finish().await;
}

fn input(slot: &str) -> BookingInput {
    BookingInput {
        customer: CustomerInput {
            email: Some("zomertijd@example.nl".into()),
            first_name: Some("Zo".into()),
            last_name: Some("Mer".into()),
            street: Some("Dorpsstraat".into()),
            house_number: Some("1".into()),
            postcode: Some("3511AB".into()),
            city: Some("Utrecht".into()),
            country: Some("NL".into()),
            phone: Some("06-12345678".into()),
            ..CustomerInput::default()
        },
        slot: Some(slot.into()),
        places: Some("1".into()),
        payment_method: Some("bank_transfer".into()),
        ..BookingInput::default()
    }
}

async fn slots_keep_their_local_time_across_the_dst_change(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    add_item(&app, "ochtend", 1, 24, 400, (9, 10)).await;
    // As seen on 1 October 2026: the month with the change to winter time.
    let now = NaiveDate::from_ymd_opt(2026, 10, 1)
        .unwrap()
        .and_hms_opt(6, 0, 0)
        .unwrap();
    let detail =
        app::ssr::services::bookings::detail(&app.db, "ochtend", Some("2026-10"), None, now)
            .await
            .unwrap();
    let on = |day: u32| -> Vec<String> {
        let date = NaiveDate::from_ymd_opt(2026, 10, day).unwrap();
        detail
            .month
            .weeks
            .iter()
            .flatten()
            .find(|d| d.date == date)
            .unwrap()
            .slots
            .iter()
            .map(|s| format!("{} {}", s.time, s.slot))
            .collect()
    };
    assert_eq!(on(24), ["09:00 2026-10-24T09:00+02:00"]);
    assert_eq!(on(25), ["09:00 2026-10-25T09:00+01:00"]);
    assert_eq!(on(26), ["09:00 2026-10-26T09:00+01:00"]);
    assert_eq!(detail.month.previous, None, "September lies in the past");
    assert_eq!(detail.month.next.as_deref(), Some("2026-11"));

    for (slot, utc_hour) in [("2026-10-24T09:00+02:00", 7), ("2026-10-26T09:00+01:00", 8)] {
        let placed =
            app::ssr::services::bookings::book_as(&app.state, None, "ochtend", &input(slot), now)
                .await
                .unwrap();
        let booked = booking_by(&app, &placed.token).await;
        assert_eq!(
            booked.starts_at,
            NaiveDate::from_ymd_opt(2026, 10, if utc_hour == 7 { 24 } else { 26 })
                .unwrap()
                .and_hms_opt(utc_hour, 0, 0)
                .unwrap(),
            "{slot}"
        );
        let view = app::ssr::services::bookings::by_token(&app.db, &placed.token, now)
            .await
            .unwrap();
        assert_eq!(view.starts_local.format("%H:%M").to_string(), "09:00");
    }
    // The 26th at 09:00 with the summer offset is 08:00 local: no slot.
    let wrong = app::ssr::services::bookings::book_as(
        &app.state,
        None,
        "ochtend",
        &input("2026-10-26T09:00+02:00"),
        now,
    )
    .await;
    assert!(matches!(wrong, Err(AppError::Validation(_))), "{wrong:?}");
    let after =
        app::ssr::services::bookings::detail(&app.db, "ochtend", Some("2026-10"), None, now)
            .await
            .unwrap();
    let day24 = after
        .month
        .weeks
        .iter()
        .flatten()
        .find(|d| d.date == NaiveDate::from_ymd_opt(2026, 10, 24).unwrap())
        .unwrap();
    assert_eq!(day24.slots[0].places_left, 0, "the booked slot shows full");
    app.finish().await;
}

async fn the_booking_pages_work_without_javascript(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    add_item(&app, "zonder-js", 2, 24, 60, (9, 11)).await;
    let mut visitor = app.client();
    let list = visitor.get("/bookings").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Kookworkshop pasta")
            && list.body.contains("href=\"/bookings/zonder-js\"")
    );

    let (_, slot) = slot_in(2, 10);
    let page = visitor.get("/bookings/zonder-js").await;
    assert_eq!(page.status, StatusCode::OK);
    let month = app::booking::rules::month_param(shop_today(now_utc()).with_day0(0).unwrap());
    assert!(page.body.contains("name=\"form_started\"") && page.body.contains("name=\"website\""));
    assert!(page.body.contains("name=\"places\""));
    // Each slot of the month is a radio button of the form (the slot two
    // days ahead may lie in the next month).
    let first_radio = page.body.contains("type=\"radio\" name=\"slot\"");
    assert!(
        first_radio,
        "{}",
        &page.body[page.body.find("<table").unwrap_or(0)..]
            [..2000.min(page.body.len() - page.body.find("<table").unwrap_or(0))]
    );
    let next = visitor.get("/bookings/zonder-js?maand=2099-01").await;
    assert_eq!(
        next.status,
        StatusCode::OK,
        "an unbookable month shows the current one"
    );
    assert!(next.body.contains(&month) || next.body.contains("maand="));
    let target_month = &slot[..7];
    let page = visitor
        .get(&format!("/bookings/zonder-js?maand={target_month}"))
        .await;
    assert!(
        page.body.contains(&format!("value=\"{slot}\"")),
        "the slot {slot} is offered"
    );

    // A plain form post books and is sent to the confirmation page.
    let res = visitor
        .post_form(
            "book_slot",
            "http://winkel.example/bookings/zonder-js",
            &form("zonder-js", &slot, "1"),
        )
        .await;
    assert!(res.status.is_redirection(), "{}: {}", res.status, res.body);
    let location = res.location().expect("a redirect");
    assert!(location.starts_with("/bookings/confirmed/"), "{location}");
    let confirmed = visitor.get(&location).await;
    assert_eq!(confirmed.status, StatusCode::OK);
    assert!(confirmed.body.contains("Test zonder-js"));
    app.finish().await;
}
