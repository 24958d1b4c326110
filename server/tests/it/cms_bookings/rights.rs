//! Without the booking rights every booking function answers 403; with
//! `bookings.view` only, the agenda, list and detail are read and nothing
//! changes.

use super::*;

on_both_databases!(booking_functions_need_the_booking_rights,);

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
