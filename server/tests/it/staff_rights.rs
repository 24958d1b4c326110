//! No escalation (AVG-10): a member with `staff.manage` gives only rights
//! they hold, and changes or locks only members whose rights they all
//! hold; the owner decides everything else. Every way round is tried on
//! the server: creating a member with more, granting more to a member one
//! created (with a password one chose), to oneself, and touching the owner
//! or a member with other rights. And the passwords: one's own changed at
//! any time (other sessions end), a new one forced by the owner.

use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::{staff, staff_right};
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

on_both_databases!(
    managers_grant_only_the_rights_they_hold,
    members_change_their_password_and_the_owner_forces_a_new_one,
);

const PASSWORD: &str = "de winkel gaat om negen open";

async fn id_of(app: &TestApp, email: &str) -> Option<i32> {
    staff::Entity::find()
        .filter(staff::Column::Email.eq(email))
        .one(&app.db)
        .await
        .unwrap()
        .map(|s| s.id)
}

async fn rights_of(app: &TestApp, id: i32) -> Vec<String> {
    let mut names: Vec<String> = staff_right::Entity::find()
        .filter(staff_right::Column::StaffId.eq(id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.right_name)
        .collect();
    names.sort();
    names
}

fn refused_field(response: &common::Response) -> String {
    response.json()["Validation"][0]["error"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn set_rights(client: &mut Client, id: i32, rights: &[&str]) -> common::Response {
    let id = id.to_string();
    let mut form = vec![("id", id.as_str())];
    form.extend(rights.iter().map(|r| ("rights[]", *r)));
    client.call("cms_set_rights", &form).await
}

async fn managers_grant_only_the_rights_they_hold(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut owner = common::staff_client(&app, "owner@example.nl", PASSWORD, true, &[]).await;
    let mut manager = common::staff_client(
        &app,
        "chef@example.nl",
        PASSWORD,
        false,
        &[Right::StaffManage, Right::OrdersView],
    )
    .await;
    let owner_id = id_of(&app, "owner@example.nl").await.unwrap();
    let manager_id = id_of(&app, "chef@example.nl").await.unwrap();

    // Creating a helper with a right the manager lacks: refused, and no
    // member is left behind.
    let more = manager
        .call(
            "cms_create_staff",
            &[
                ("email", "hulp@example.nl"),
                ("password", PASSWORD),
                ("rights[]", "orders.view"),
                ("rights[]", "customers.view"),
            ],
        )
        .await;
    assert_eq!(
        more.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        more.body
    );
    assert_eq!(refused_field(&more), "RightNotYours");
    assert_eq!(id_of(&app, "hulp@example.nl").await, None);

    // Within their own rights it works (unknown names are ignored).
    let created = manager
        .call(
            "cms_create_staff",
            &[
                ("email", "hulp@example.nl"),
                ("password", PASSWORD),
                ("rights[]", "orders.view"),
                ("rights[]", "everything"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let helper_id = id_of(&app, "hulp@example.nl").await.unwrap();
    assert_eq!(rights_of(&app, helper_id).await, ["orders.view"]);

    // The member they made, whose password they know, gets no more later.
    let later = set_rights(&mut manager, helper_id, &["orders.view", "audit.view"]).await;
    assert_eq!(refused_field(&later), "RightNotYours", "{}", later.body);
    assert_eq!(rights_of(&app, helper_id).await, ["orders.view"]);
    // Nor do they give themselves more, nor touch the owner.
    let own = set_rights(&mut manager, manager_id, &["staff.manage", "orders.view"]).await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    let boss = set_rights(&mut manager, owner_id, &[]).await;
    assert_eq!(boss.status, StatusCode::FORBIDDEN);

    // A member with a right the manager lacks is the owner's to change or
    // lock: neither taking the right away nor locking them out works.
    common::add_staff(
        &app.db,
        "boekhouder@example.nl",
        PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    let bookkeeper = id_of(&app, "boekhouder@example.nl").await.unwrap();
    assert_eq!(
        set_rights(&mut manager, bookkeeper, &[]).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(rights_of(&app, bookkeeper).await, ["customers.view"]);
    let id = bookkeeper.to_string();
    let lock = manager
        .call("cms_set_locked", &[("id", id.as_str()), ("locked", "true")])
        .await;
    assert_eq!(lock.status, StatusCode::FORBIDDEN);
    let row = staff::Entity::find_by_id(bookkeeper)
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert!(row.locked_at.is_none(), "not locked");

    // The manager may lock and change their own helper.
    let id = helper_id.to_string();
    let lock = manager
        .call("cms_set_locked", &[("id", id.as_str()), ("locked", "true")])
        .await;
    assert_eq!(lock.status, StatusCode::OK, "{}", lock.body);

    // The owner gives any right.
    let given = set_rights(&mut owner, helper_id, &["customers.view", "audit.view"]).await;
    assert_eq!(given.status, StatusCode::OK, "{}", given.body);
    assert_eq!(
        rights_of(&app, helper_id).await,
        ["audit.view", "customers.view"]
    );
    app.finish().await;
}

async fn log_in(app: &TestApp, email: &str, password: &str) -> Client {
    let mut client = app.client();
    let res = client
        .call("cms_login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    client
}

async fn members_change_their_password_and_the_owner_forces_a_new_one(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut owner = common::staff_client(&app, "owner@example.nl", PASSWORD, true, &[]).await;
    let mut laptop = common::staff_client(
        &app,
        "kassa@example.nl",
        PASSWORD,
        false,
        &[Right::OrdersView],
    )
    .await;
    let mut phone = log_in(&app, "kassa@example.nl", PASSWORD).await;
    let member = id_of(&app, "kassa@example.nl").await.unwrap().to_string();

    // A change at any time: the current password is asked, the policy
    // holds, and the member's other devices are logged out.
    let wrong = laptop
        .call(
            "cms_change_password",
            &[
                ("current_password", "niet het wachtwoord"),
                ("new_password", "een ander lang wachtwoord"),
            ],
        )
        .await;
    assert_eq!(wrong.json()["Validation"][0]["field"], "current_password");
    let changed = laptop
        .call(
            "cms_change_password",
            &[
                ("current_password", PASSWORD),
                ("new_password", "een ander lang wachtwoord"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    assert_eq!(laptop.call("cms_orders", &[]).await.status, StatusCode::OK);
    assert_eq!(
        phone.call("cms_orders", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "the other session ended"
    );

    // Only the owner forces a new password; a manager cannot.
    let mut manager = common::staff_client(
        &app,
        "chef@example.nl",
        PASSWORD,
        false,
        &[Right::StaffManage, Right::OrdersView],
    )
    .await;
    assert_eq!(
        manager
            .call("cms_force_password_change", &[("id", member.as_str())])
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let forced = owner
        .call("cms_force_password_change", &[("id", member.as_str())])
        .await;
    assert_eq!(forced.status, StatusCode::OK, "{}", forced.body);
    assert_eq!(
        laptop.call("cms_orders", &[]).await.status,
        StatusCode::UNAUTHORIZED,
        "a forced reset ends the member's sessions"
    );
    // At the next login nothing opens but the password form.
    let mut again = log_in(&app, "kassa@example.nl", "een ander lang wachtwoord").await;
    assert_eq!(
        again.call("cms_orders", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let chosen = again
        .call(
            "cms_change_password",
            &[
                ("current_password", "een ander lang wachtwoord"),
                ("new_password", "weer een nieuw wachtwoord"),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    assert_eq!(again.call("cms_orders", &[]).await.status, StatusCode::OK);

    let actions: Vec<String> = app::ssr::entities::audit_log::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.action)
        .collect();
    assert!(
        actions.contains(&"staff.force_password".to_owned()),
        "{actions:?}"
    );
    app.finish().await;
}
