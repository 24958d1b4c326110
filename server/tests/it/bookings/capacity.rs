//! The last place under a crowd of parallel bookers, and the cancel
//! window that gives places back.

use super::*;

on_both_databases!(
    last_place_goes_to_exactly_one_of_many_bookers,
    a_customer_cancels_within_the_window_only,
);

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
