//! Bad slots, places and fields are refused with a clear message; the
//! booking form has the honeypot and the form limit of every public form.

use super::*;

on_both_databases!(
    bad_bookings_are_refused_with_a_clear_message,
    the_booking_form_has_a_honeypot_and_a_form_limit,
);

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
    let on_closed = slot_param(amsterdam_to_utc(local(closed, 10)));
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
