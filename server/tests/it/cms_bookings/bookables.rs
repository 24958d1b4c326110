//! Bookable items and their schedules: validated with field messages,
//! kept, audited; an item with bookings is not deleted.

use super::*;

on_both_databases!(bookable_items_and_schedules_are_validated_and_kept,);

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
