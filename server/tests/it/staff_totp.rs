//! The CMS second factor (issue 17, section 1), on SQLite and MariaDB:
//! setting it up needs a right code, the login then needs one (computed
//! here from the secret the screen shows, as an authenticator app does),
//! a code works once, a recovery code works once, a password-only login
//! reaches no CMS function, the owner's requirement blocks a member who
//! sees customer data until they set one up, and only the owner resets it.

use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::ssr::entities::audit_log;
use app::ssr::totp;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use std::time::{Duration, Instant};

on_both_databases!(
    setting_up_and_logging_in_with_a_code,
    a_pending_login_reaches_no_cms_function_and_codes_are_throttled,
    the_owner_requires_it_of_whoever_sees_customer_data,
    only_the_owner_resets_a_second_factor,
    recovery_codes_are_shown_once_also_without_javascript,
    the_operator_resets_an_owner_who_lost_everything,
);

const OWNER: &str = "owner@example.nl";
const OWNER_PASSWORD: &str = "de winkel gaat om negen open";
const STAFF_PASSWORD: &str = "eerste wachtwoord van de balie";

/// The code an authenticator app shows `steps` steps from now.
fn code(secret: &str, steps: i64) -> String {
    let secret = totp::from_base32(secret).expect("base32 secret");
    let now = totp::step_at(app::ssr::now_utc().and_utc().timestamp());
    totp::code_at(&secret, now + steps)
}

/// A code that is none of the accepted ones.
fn wrong(secret: &str) -> String {
    let mut wrong = code(secret, 5);
    while (-1..=1).any(|s| code(secret, s) == wrong) {
        wrong = format!("{:06}", (wrong.parse::<u32>().unwrap() + 1) % 1_000_000);
    }
    wrong
}

/// Sets up the second factor as the member would: a secret, then the
/// current code. Returns the secret and the recovery codes.
async fn set_up(client: &mut Client) -> (String, Vec<String>) {
    let begun = client.call("cms_second_factor_begin", &[]).await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.body);
    let view = client.call("cms_second_factor", &[]).await.json();
    let secret = view["setup"]["secret"]
        .as_str()
        .expect("the secret is shown while setting up")
        .replace(' ', "");
    let confirmed = client
        .call("cms_second_factor_confirm", &[("code", &code(&secret, 0))])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let codes: Vec<String> = serde_json::from_value(confirmed.json()).unwrap();
    (secret, codes)
}

/// The password step only: the client then holds the pending cookie.
async fn password_step(app: &TestApp, email: &str, password: &str) -> Client {
    let mut client = app.client();
    let res = client
        .call("cms_login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    client
}

fn cookie_name(client: &Client) -> String {
    client
        .cookie
        .as_deref()
        .and_then(|c| c.split_once('='))
        .map(|(name, _)| name.to_owned())
        .unwrap_or_default()
}

async fn audited(app: &TestApp, action: &str) -> Vec<Option<i32>> {
    audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq(action))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.entity_id)
        .collect()
}

async fn setting_up_and_logging_in_with_a_code(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, OWNER, OWNER_PASSWORD, true, &[]).await;
    let view = boss.call("cms_second_factor", &[]).await.json();
    assert_eq!(
        (view["enabled"].as_bool(), view["setup"].is_null()),
        (Some(false), true)
    );
    let begun = boss.call("cms_second_factor_begin", &[]).await;
    assert_eq!(begun.status, StatusCode::OK, "{}", begun.body);
    let view = boss.call("cms_second_factor", &[]).await.json();
    let secret = view["setup"]["secret"].as_str().unwrap().replace(' ', "");
    assert_eq!(secret.len(), 32, "160 bits in base32");
    let uri = view["setup"]["uri"].as_str().unwrap();
    assert!(
        uri.starts_with("otpauth://totp/Winkel:owner@example.nl?secret=")
            && uri.contains(&secret)
            && uri.contains("issuer=Winkel"),
        "{uri}"
    );

    // A mistyped code switches nothing on: nobody is locked out.
    let mistyped = boss
        .call("cms_second_factor_confirm", &[("code", &wrong(&secret))])
        .await;
    assert_eq!(mistyped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        mistyped.json()["Validation"][0]["error"],
        "SecondFactorCode"
    );
    let still_off = password_step(&app, OWNER, OWNER_PASSWORD).await;
    assert_eq!(cookie_name(&still_off), "winkel_cms");

    let confirmed = boss
        .call("cms_second_factor_confirm", &[("code", &code(&secret, 0))])
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let recovery: Vec<String> = serde_json::from_value(confirmed.json()).unwrap();
    assert_eq!(recovery.len(), 10);
    let view = boss.call("cms_second_factor", &[]).await.json();
    assert_eq!(
        (
            view["enabled"].as_bool(),
            view["recovery_codes_left"].as_u64(),
            view["setup"].is_null()
        ),
        (Some(true), Some(10), true),
        "the secret is never shown again"
    );
    assert_eq!(audited(&app, "staff.second_factor_on").await.len(), 1);
    // The recovery codes are stored as hashes only.
    let stored: Vec<String> = app::ssr::entities::staff_recovery_code::Entity::find()
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.code_hash)
        .collect();
    assert_eq!(stored.len(), 10);
    assert!(recovery
        .iter()
        .all(|c| !stored.iter().any(|h| h.contains(&c.replace('-', "")))));

    // The password alone is now the first step only.
    let mut laptop = password_step(&app, OWNER, OWNER_PASSWORD).await;
    assert_eq!(cookie_name(&laptop), "winkel_cms_pending");
    assert_eq!(
        laptop.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let refused = laptop
        .call("cms_login_code", &[("code", &wrong(&secret))])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The confirmation used the current step: the next one is accepted
    // (a clock one step ahead), once.
    let next = code(&secret, 1);
    let accepted = laptop.call("cms_login_code", &[("code", &next)]).await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(cookie_name(&laptop), "winkel_cms");
    assert_eq!(
        laptop.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );
    let mut onlooker = password_step(&app, OWNER, OWNER_PASSWORD).await;
    let reused = onlooker.call("cms_login_code", &[("code", &next)]).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a code works once"
    );
    // A code of the current step is older than the one used: refused too.
    let older = onlooker
        .call("cms_login_code", &[("code", &code(&secret, 0))])
        .await;
    assert_eq!(older.status, StatusCode::UNPROCESSABLE_ENTITY);

    // A recovery code works once, typed any way.
    let typed = format!(" {} ", recovery[0].to_uppercase());
    let rescued = onlooker.call("cms_login_code", &[("code", &typed)]).await;
    assert_eq!(rescued.status, StatusCode::OK, "{}", rescued.body);
    assert_eq!(audited(&app, "staff.recovery_code_used").await.len(), 1);
    let mut again = password_step(&app, OWNER, OWNER_PASSWORD).await;
    assert_eq!(
        again
            .call("cms_login_code", &[("code", &recovery[0])])
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let view = boss.call("cms_second_factor", &[]).await.json();
    assert_eq!(view["recovery_codes_left"].as_u64(), Some(9));

    // Switching it off needs the password and a code.
    let no_password = boss
        .call(
            "cms_second_factor_off",
            &[("current_password", "fout"), ("code", &recovery[1])],
        )
        .await;
    assert_eq!(
        no_password.json()["Validation"][0]["error"],
        "WrongPassword"
    );
    let no_code = boss
        .call(
            "cms_second_factor_off",
            &[("current_password", OWNER_PASSWORD), ("code", "000000")],
        )
        .await;
    assert_eq!(no_code.status, StatusCode::UNPROCESSABLE_ENTITY);
    let off = boss
        .call(
            "cms_second_factor_off",
            &[("current_password", OWNER_PASSWORD), ("code", &recovery[1])],
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    assert_eq!(audited(&app, "staff.second_factor_off").await.len(), 1);
    let plain = password_step(&app, OWNER, OWNER_PASSWORD).await;
    assert_eq!(cookie_name(&plain), "winkel_cms");
    app.finish().await;
}

async fn a_pending_login_reaches_no_cms_function_and_codes_are_throttled(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, OWNER, OWNER_PASSWORD, true, &[]).await;
    let (secret, _) = set_up(&mut boss).await;
    let mut pending = password_step(&app, OWNER, OWNER_PASSWORD).await;
    let open = [
        "/api/cms_login",
        "/api/cms_login_code",
        "/api/cms_logout",
        "/api/cms_me",
    ];
    let mut endpoints: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .filter(|p| p.starts_with("/api/cms_") && !open.contains(&p.as_str()))
        .collect();
    endpoints.sort();
    endpoints.dedup();
    assert!(endpoints.contains(&"/api/cms_second_factor_begin".to_owned()));
    for path in &endpoints {
        let res = pending
            .call(
                path.trim_start_matches("/api/"),
                crate::cms::SAMPLE_ARGUMENTS,
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNAUTHORIZED,
            "{path} with a password-only login: {}",
            res.body
        );
    }
    assert_eq!(
        pending.call("cms_me", &[]).await.json(),
        serde_json::Value::Null
    );
    let page = pending.get("/cms").await;
    assert_eq!(page.location().as_deref(), Some("/cms/login"));
    // Its token presented as a session cookie opens nothing either.
    let token = pending.cookie.clone().unwrap();
    let mut forged = app.client();
    forged.cookie = Some(token.replace("winkel_cms_pending=", "winkel_cms="));
    assert_eq!(
        forged.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Without a pending login the code form answers "log in first".
    let mut stranger = app.client();
    assert_eq!(
        stranger
            .call("cms_login_code", &[("code", &code(&secret, 0))])
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );

    // Codes count toward the login throttle: five free guesses, then each
    // waits; the right password does not forgive the count.
    for _ in 0..5 {
        let res = pending
            .call("cms_login_code", &[("code", &wrong(&secret))])
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let started = Instant::now();
    pending
        .call("cms_login_code", &[("code", &wrong(&secret))])
        .await;
    assert!(started.elapsed() >= Duration::from_secs(1));
    let mut fresh = password_step(&app, OWNER, OWNER_PASSWORD).await;
    let started = Instant::now();
    let slowed = fresh
        .call("cms_login_code", &[("code", &code(&secret, 1))])
        .await;
    assert!(
        started.elapsed() >= Duration::from_secs(2),
        "the password step did not reset the count"
    );
    assert_eq!(slowed.status, StatusCode::OK, "{}", slowed.body);
    app.finish().await;
}

async fn the_owner_requires_it_of_whoever_sees_customer_data(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, OWNER, OWNER_PASSWORD, true, &[]).await;
    let mut viewer = common::staff_client(
        &app,
        "kijker@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    let mut editor = common::staff_client(
        &app,
        "redactie@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    // The owner sees customer data too: they set theirs up first.
    set_up(&mut boss).await;
    let saved = boss
        .call(
            "cms_save_settings",
            &[
                ("shop_name", "Winkel"),
                ("retention_years", "7"),
                ("backups_keep", "7"),
                ("require_second_factor", "on"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(
        saved.json()["settings"]["require_second_factor"].as_bool(),
        Some(true)
    );
    assert_eq!(boss.call("cms_customers", &[]).await.status, StatusCode::OK);

    // The viewer is logged in but reaches nothing but the setup.
    let blocked = viewer.call("cms_customers", &[]).await;
    assert_eq!(
        (blocked.status, blocked.json()),
        (
            StatusCode::FORBIDDEN,
            serde_json::json!("SecondFactorRequired")
        )
    );
    assert_eq!(
        viewer.call("cms_dashboard", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let me = viewer.call("cms_me", &[]).await.json();
    assert_eq!(me["needs_second_factor"].as_bool(), Some(true));
    let page = viewer.get("/cms/customers").await;
    assert_eq!(page.location().as_deref(), Some("/cms/security"));
    assert_eq!(viewer.get("/cms/security").await.status, StatusCode::OK);
    let view = viewer.call("cms_second_factor", &[]).await.json();
    assert_eq!(view["required"].as_bool(), Some(true));
    set_up(&mut viewer).await;
    assert_eq!(
        viewer.call("cms_customers", &[]).await.status,
        StatusCode::OK
    );

    // A member who sees no customer data is not concerned.
    assert_eq!(
        editor.call("cms_dashboard", &[]).await.status,
        StatusCode::OK
    );
    let me = editor.call("cms_me", &[]).await.json();
    assert_eq!(me["needs_second_factor"].as_bool(), Some(false));
    app.finish().await;
}

async fn only_the_owner_resets_a_second_factor(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, OWNER, OWNER_PASSWORD, true, &[]).await;
    let mut manager = common::staff_client(
        &app,
        "chef@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::StaffManage, Right::CustomersView],
    )
    .await;
    let member_email = "kassa@example.nl";
    let mut member = common::staff_client(
        &app,
        member_email,
        STAFF_PASSWORD,
        false,
        &[Right::CustomersView],
    )
    .await;
    set_up(&mut member).await;
    set_up(&mut boss).await;
    let staff = boss.call("cms_staff", &[]).await.json();
    let id_of = |email: &str| {
        staff
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == email)
            .map(|m| m["id"].as_i64().unwrap().to_string())
            .unwrap()
    };
    let member_id = id_of(member_email);
    let owner_id = id_of(OWNER);
    assert_eq!(
        staff
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["email"] == member_email)
            .unwrap()["second_factor"],
        true
    );

    assert_eq!(
        manager
            .call("cms_reset_second_factor", &[("id", &member_id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "a manager is not the owner"
    );
    assert_eq!(
        boss.call("cms_reset_second_factor", &[("id", &owner_id)])
            .await
            .status,
        StatusCode::FORBIDDEN,
        "not one's own"
    );
    let reset = boss
        .call("cms_reset_second_factor", &[("id", &member_id)])
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.body);
    assert_eq!(
        audited(&app, "staff.second_factor_reset").await,
        vec![Some(member_id.parse().unwrap())]
    );
    // Their sessions ended; the password alone logs them in again, and
    // they can set up a new second factor.
    assert_eq!(
        member.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut again = password_step(&app, member_email, STAFF_PASSWORD).await;
    assert_eq!(cookie_name(&again), "winkel_cms");
    set_up(&mut again).await;
    app.finish().await;
}

/// The codes on the page that follows a confirmation posted without
/// JavaScript (a redirect back to the screen).
fn codes_on(page: &str) -> Vec<String> {
    let Some((_, section)) = page.split_once(r#"class="recovery-codes""#) else {
        return Vec::new();
    };
    let section = section.split("</section>").next().unwrap_or_default();
    section
        .split("<code>")
        .skip(1)
        // The text as a person reads it (without the renderer's markers).
        .filter_map(|part| {
            part.split_once("</code>")
                .map(|(c, _)| c.replace("<!>", ""))
        })
        .collect()
}

async fn recovery_codes_are_shown_once_also_without_javascript(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut member = common::staff_client(
        &app,
        "kassa@example.nl",
        STAFF_PASSWORD,
        false,
        &[Right::OrdersView],
    )
    .await;
    assert_eq!(
        member.call("cms_second_factor_begin", &[]).await.status,
        StatusCode::OK
    );
    let setup = member.get("/cms/security").await;
    let secret = setup
        .body
        .split_once(r#"data-secret=""#)
        .and_then(|(_, rest)| rest.split_once('"'))
        .map(|(secret, _)| secret.to_owned())
        .expect("the secret is on the page");
    let posted = member
        .post_form(
            "cms_second_factor_confirm",
            &format!("{}/cms/security", common::SITE),
            &[("code", &code(&secret, 0))],
        )
        .await;
    assert!(posted.status.is_redirection(), "{}", posted.body);
    let shown = member.get("/cms/security").await;
    let codes = codes_on(&shown.body);
    assert_eq!(codes.len(), 10, "{}", shown.body);
    // Shown for that page only (the unit test of `shown_once` covers the
    // next pages): a reload a few seconds later no longer has them.
    tokio::time::sleep(app::ssr::shown_once::READ_GRACE).await;
    assert!(
        codes_on(&member.get("/cms/security").await.body).is_empty(),
        "shown once"
    );
    // They are the real ones: one of them logs in.
    let mut later = password_step(&app, "kassa@example.nl", STAFF_PASSWORD).await;
    let rescued = later.call("cms_login_code", &[("code", &codes[3])]).await;
    assert_eq!(rescued.status, StatusCode::OK, "{}", rescued.body);
    app.finish().await;
}

/// An owner who lost both phone and recovery codes has no other owner to
/// reset them: the operator does it on the server's command line.
async fn the_operator_resets_an_owner_who_lost_everything(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut boss = common::staff_client(&app, OWNER, OWNER_PASSWORD, true, &[]).await;
    set_up(&mut boss).await;
    assert_eq!(
        cookie_name(&password_step(&app, OWNER, OWNER_PASSWORD).await),
        "winkel_cms_pending"
    );
    let winkel = |email: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_winkel"))
            .args(["admin", "reset-second-factor", "--email", email])
            .env("DATABASE_URL", app.store.url())
            .env("WINKEL_LOG", "warn")
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap()
    };
    let unknown = winkel("niemand@example.nl");
    assert!(!unknown.status.success());
    assert!(
        String::from_utf8_lossy(&unknown.stderr)
            .contains("no staff account for niemand@example.nl"),
        "{}",
        String::from_utf8_lossy(&unknown.stderr)
    );
    let reset = winkel(" Owner@Example.nl ");
    assert!(
        reset.status.success(),
        "{}",
        String::from_utf8_lossy(&reset.stderr)
    );
    // Her old session is over; the password alone logs her in again.
    assert_eq!(
        boss.call("cms_customers", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut back = app.client();
    let login = back
        .call(
            "cms_login",
            &[("email", OWNER), ("password", OWNER_PASSWORD)],
        )
        .await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(cookie_name(&back), "winkel_cms");
    assert_eq!(audited(&app, "staff.second_factor_reset").await.len(), 1);
    app.finish().await;
}
