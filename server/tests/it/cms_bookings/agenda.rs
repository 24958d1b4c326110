//! The agenda in Amsterdam time, in a summer and a winter week.

use super::*;

on_both_databases!(the_agenda_shows_amsterdam_time_in_summer_and_winter,);

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
