//! The audited view of a booking, cancel (places given back once) and
//! attended.

use super::*;

on_both_databases!(a_booking_is_viewed_cancelled_and_attended_with_audit,);

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
