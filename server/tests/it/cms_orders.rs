//! The order list of the CMS speaks the shop's time: an order placed at
//! half past midnight in Amsterdam (still the day before in UTC) is listed
//! at 00:30 and found under its Amsterdam day, in winter and in summer;
//! the dashboard's "today" begins at the shop's midnight, also on the day
//! the clocks go back.

use crate::common::{self, Backend, TestApp};
use app::ssr::entities::order;
use axum::http::StatusCode;
use chrono::{NaiveDate, NaiveDateTime};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

on_both_databases!(
    the_order_list_shows_and_filters_the_shops_days,
    the_dashboards_today_is_the_shops_day_when_the_clocks_go_back,
);

const OWNER: &str = "eigenaar@example.nl";
const PASSWORD: &str = "de winkel gaat om negen open";

fn at(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(y, m, d)
        .and_then(|d| d.and_hms_opt(h, min, 0))
        .expect("a valid moment")
}

async fn placed_at(app: &TestApp, email: &str, when: NaiveDateTime) -> i32 {
    let placed = common::order_espresso(app, "/checkout", &common::checkout(email)).await;
    let mut row: order::ActiveModel = placed.into();
    row.placed_at = Set(when);
    row.update(&app.db).await.expect("moved").id
}

async fn the_order_list_shows_and_filters_the_shops_days(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // 00:30 on 29 November in Amsterdam (CET, UTC+1), and 23:59 on 1 July
    // (CEST, UTC+2).
    let winter = placed_at(&app, "winter@example.nl", at(2026, 11, 28, 23, 30)).await;
    let summer = placed_at(&app, "zomer@example.nl", at(2026, 7, 1, 21, 59)).await;
    let mut boss = common::staff_client(&app, OWNER, PASSWORD, true, &[]).await;

    let mut on_day = async |day: &str| -> Vec<i64> {
        let res = boss.call("cms_orders", &[("from", day), ("to", day)]).await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.body);
        res.json()["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .map(|row| row["id"].as_i64().expect("an id"))
            .collect()
    };
    assert_eq!(on_day("2026-11-29").await, [i64::from(winter)]);
    assert_eq!(on_day("2026-11-28").await, Vec::<i64>::new());
    assert_eq!(on_day("2026-07-01").await, [i64::from(summer)]);
    assert_eq!(on_day("2026-07-02").await, Vec::<i64>::new());

    // The list shows the times staff saw on the shop's clock.
    let page = boss.get("/cms/orders").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("29-11-2026 00:30"), "the winter order");
    assert!(page.body.contains("01-07-2026 23:59"), "the summer order");
    assert!(!page.body.contains("28-11-2026 23:30"), "not in UTC");
    app.finish().await;
}

async fn the_dashboards_today_is_the_shops_day_when_the_clocks_go_back(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    // 23:30 on Saturday 24 October (CEST) and 00:30 on Sunday the 25th,
    // the night the clocks go back at 03:00 (01:00 UTC).
    placed_at(&app, "zaterdag@example.nl", at(2026, 10, 24, 21, 30)).await;
    let sunday = placed_at(&app, "zondag@example.nl", at(2026, 10, 24, 22, 30)).await;
    // Sunday at noon (CET by then).
    let noon = at(2026, 10, 25, 11, 0);
    let dashboard = app::ssr::services::dashboard::load(&app.db, noon)
        .await
        .expect("the dashboard");
    assert_eq!(dashboard.orders_today, 1, "only order {sunday}, of Sunday");
    app.finish().await;
}
