//! The week of the DST change: slots keep their Amsterdam time.

use super::*;

on_both_databases!(slots_keep_their_local_time_across_the_dst_change,);

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
    let detail = app::ssr::services::bookings::detail(
        &app.db,
        "ochtend",
        Some("2026-10"),
        None,
        now,
        Default::default(),
    )
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
        let placed = app::ssr::services::bookings::book_as(
            &app.state,
            None,
            "ochtend",
            &input(slot),
            app::locale::Locale::Nl,
            now,
        )
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
        app::locale::Locale::Nl,
        now,
    )
    .await;
    assert!(matches!(wrong, Err(AppError::Validation(_))), "{wrong:?}");
    let after = app::ssr::services::bookings::detail(
        &app.db,
        "ochtend",
        Some("2026-10"),
        None,
        now,
        Default::default(),
    )
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
