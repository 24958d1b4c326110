//! Booking as a guest, logged in or with a new account, and the pages
//! without JavaScript.

use super::*;

on_both_databases!(
    the_demo_offers_three_items_with_free_slots,
    guest_booking_writes_booking_customer_and_mail,
    booking_while_logged_in_is_linked_and_listed,
    an_account_can_be_created_while_booking,
    the_booking_pages_work_without_javascript,
);

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
        .map(|i| i["name"]["text"].as_str().unwrap().to_owned())
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
    let asked = app::clock::amsterdam_local(now_utc());
    let page = visitor.get("/bookings/zonder-js").await;
    let answered = app::clock::amsterdam_local(now_utc());
    assert_eq!(page.status, StatusCode::OK);
    let today = shop_today(now_utc());
    let month = app::booking::rules::month_param(today.with_day0(0).unwrap());
    assert!(page.body.contains("name=\"form_started\"") && page.body.contains("name=\"website\""));
    assert!(page.body.contains("name=\"places\""));
    // Each slot left this month is a radio button of the form. Its last
    // slot is at 10:00 on its last day; after that the page says so.
    let last_slot = local(
        (today.with_day0(0).unwrap() + chrono::Months::new(1))
            .pred_opt()
            .unwrap(),
        10,
    );
    let first_radio = page.body.contains("type=\"radio\" name=\"slot\"");
    let none_left = page
        .body
        .contains("Deze maand zijn er geen vrije tijden meer.");
    assert!(
        if answered < last_slot {
            first_radio
        } else if asked >= last_slot {
            none_left && !first_radio
        } else {
            // Asked just before the last slot began: either holds.
            first_radio != none_left
        },
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
