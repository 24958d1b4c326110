//! Test harness: the real router on a real database, SQLite or MariaDB,
//! driven over HTTP (in process) like a browser, cookie included.
//!
//! Every area's tests run in this one process, side by side. What is the
//! process's rather than a test's (the password hashing gate and its
//! counters, the global log) is shared: a test that counts or fills it
//! runs [`alone`], and every database a test opens waits for such a test
//! to finish first (see [`Turn`]).
#![allow(dead_code)]

pub mod tcp_link;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use tower::ServiceExt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MariaDb,
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

/// `prefix_<pid>_<n>`, unique in this process: for temporary files,
/// folders and database names.
pub fn unique(prefix: &str) -> String {
    format!(
        "{prefix}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst)
    )
}

// ------------------------------------------------------------ turns

/// Who runs app code now: any number of tests side by side, or one test
/// alone. Not fair on purpose: a test that already holds a turn (two
/// databases at once) is never made to wait behind a test waiting to run
/// alone, which could then wait for it in turn.
#[derive(Default)]
struct Turns {
    state: Mutex<TurnState>,
    changed: tokio::sync::Notify,
}

#[derive(Default)]
struct TurnState {
    side_by_side: usize,
    alone: bool,
}

fn turns() -> &'static Turns {
    static TURNS: OnceLock<Turns> = OnceLock::new();
    TURNS.get_or_init(Turns::default)
}

impl Turns {
    /// Waits until `take` says the state allows a turn (and takes it).
    async fn wait_for(&self, take: impl Fn(&mut TurnState) -> bool) {
        loop {
            let changed = self.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            if take(&mut self.state.lock().expect("turns")) {
                return;
            }
            changed.await;
        }
    }

    fn give_back(&self, give: impl FnOnce(&mut TurnState)) {
        give(&mut self.state.lock().expect("turns"));
        self.changed.notify_waiters();
    }
}

tokio::task_local! {
    /// Set while a test runs [`alone`]: its own databases need no turn.
    static ALONE: ();
}

/// A test's share of the process while it uses a database (held by
/// [`TestDb`], and so by [`TestApp`], and by [`within_a_minute`]); none
/// inside [`alone`].
pub struct Turn(bool);

impl Turn {
    /// Waits while a test runs alone.
    pub async fn side_by_side() -> Self {
        if ALONE.try_with(|_| ()).is_ok() {
            return Self(false);
        }
        turns()
            .wait_for(|state| {
                if state.alone {
                    return false;
                }
                state.side_by_side += 1;
                true
            })
            .await;
        Self(true)
    }
}

impl Drop for Turn {
    fn drop(&mut self) {
        if self.0 {
            turns().give_back(|state| state.side_by_side -= 1);
        }
    }
}

/// Runs `test` with no other test of this process using a database
/// meanwhile: for a test that counts the process's password hashes, fills
/// its hashing queue, or reads its log. Waits for the tests running now to
/// finish (before `test` starts: wrap it in [`within_a_minute`] inside).
pub async fn alone<T>(test: impl std::future::Future<Output = T>) -> T {
    turns()
        .wait_for(|state| {
            if state.alone || state.side_by_side > 0 {
                return false;
            }
            state.alone = true;
            true
        })
        .await;
    struct Release;
    impl Drop for Release {
        fn drop(&mut self) {
            CAPTURING.store(false, Ordering::SeqCst);
            turns().give_back(|state| state.alone = false);
        }
    }
    let _release = Release;
    ALONE.scope((), test).await
}

/// A fresh, migrated database of the given kind, or `None` when MariaDB is
/// not configured outside CI. Under `CI=true` a missing or unreachable
/// MariaDB fails the test: nothing is skipped there.
pub async fn database(backend: Backend) -> Option<TestDb> {
    let store = empty_database(backend).await?;
    winkel::schema::migrate(&store.db)
        .await
        .expect("migrate the test database");
    Some(store)
}

/// A fresh database without any table (as [`database`], unmigrated).
pub async fn empty_database(backend: Backend) -> Option<TestDb> {
    let turn = Turn::side_by_side().await;
    match backend {
        Backend::Sqlite => {
            let path = std::env::temp_dir().join(format!("{}.db", unique("winkel_test")));
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let db = winkel::db::connect(&url).await.expect("open SQLite");
            Some(TestDb {
                db,
                backend,
                url,
                cleanup: Cleanup::File(path),
                _turn: turn,
            })
        }
        Backend::MariaDb => {
            let ci = std::env::var("CI").is_ok_and(|v| v == "true");
            let Ok(base) = std::env::var("MYSQL_TEST_URL") else {
                assert!(
                    !ci,
                    "CI=true but MYSQL_TEST_URL is not set: MariaDB tests must run"
                );
                eprintln!(
                    "MYSQL_TEST_URL not set: skipping the MariaDB variant (never under CI=true)"
                );
                return None;
            };
            let server = base
                .rsplit_once('/')
                .map(|(s, _)| s.to_owned())
                .expect("MYSQL_TEST_URL has a database part");
            let name = unique("winkel_test");
            let admin = winkel::db::connect(&format!("{server}/")).await;
            let admin = match admin {
                Ok(a) => a,
                Err(e) => panic!("MariaDB at MYSQL_TEST_URL is unreachable: {e}"),
            };
            admin
                .execute_unprepared(&format!("CREATE DATABASE `{name}`"))
                .await
                .expect("create test database");
            let url = format!("{server}/{name}");
            let db = winkel::db::connect(&url).await.expect("open MariaDB");
            Some(TestDb {
                db,
                backend,
                url,
                cleanup: Cleanup::Database { admin, name },
                _turn: turn,
            })
        }
    }
}

enum Cleanup {
    File(PathBuf),
    Database {
        admin: DatabaseConnection,
        name: String,
    },
}

pub struct TestDb {
    pub db: DatabaseConnection,
    pub backend: Backend,
    /// For a second connection or a `winkel` process on the same database.
    url: String,
    cleanup: Cleanup,
    /// Given back when the database is dropped.
    _turn: Turn,
}

impl TestDb {
    pub fn url(&self) -> String {
        self.url.clone()
    }

    pub async fn drop_database(self) {
        let _ = self.db.close().await;
        match self.cleanup {
            Cleanup::File(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            Cleanup::Database { admin, name } => {
                let _ = admin
                    .execute_unprepared(&format!("DROP DATABASE IF EXISTS `{name}`"))
                    .await;
            }
        }
    }
}

/// A port on 127.0.0.1 that nothing listens on just now (for a process
/// the test starts).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("a free port")
        .local_addr()
        .expect("its address")
        .port()
}

/// The shop on a seeded database, plus one browser-like client.
pub struct TestApp {
    pub router: Router,
    pub state: app::ssr::state::AppState,
    pub db: DatabaseConnection,
    pub store: TestDb,
    pub uploads: PathBuf,
    /// The mail folder: no SMTP in tests, every mail is a file here.
    pub mail_dir: PathBuf,
}

pub struct Response {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl Response {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    /// The nonce of this response's Content-Security-Policy.
    pub fn csp_nonce(&self) -> Option<String> {
        let policy = self
            .headers
            .get(header::CONTENT_SECURITY_POLICY)?
            .to_str()
            .ok()?;
        let start = policy.find("'nonce-")? + "'nonce-".len();
        let len = policy[start..].find('\'')?;
        Some(policy[start..start + len].to_owned())
    }

    /// The body with its CSP nonce blanked: two renders of the same page
    /// differ only in their nonces.
    pub fn body_without_nonce(&self) -> String {
        match self.csp_nonce() {
            Some(nonce) => self.body.replace(&nonce, "NONCE"),
            None => self.body.clone(),
        }
    }

    pub fn location(&self) -> Option<String> {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    }
}

impl TestApp {
    /// The shop as most tests need it: the form limit (AVG-19) out of the
    /// way, since in-process requests have no address and would all count
    /// as one visitor.
    pub async fn start(backend: Backend) -> Option<Self> {
        Self::start_with(backend, |config| config.form_limit = 100_000).await
    }

    /// The shop with its configuration adjusted by `configure`.
    pub async fn start_with(
        backend: Backend,
        configure: impl FnOnce(&mut app::ssr::state::ServerConfig),
    ) -> Option<Self> {
        Self::start_with_site(backend, None, configure).await
    }

    /// The shop serving the site folder `site` (as a release build leaves
    /// it: pkg/ and hash.txt) instead of the repository's.
    pub async fn start_with_site(
        backend: Backend,
        site: Option<&std::path::Path>,
        configure: impl FnOnce(&mut app::ssr::state::ServerConfig),
    ) -> Option<Self> {
        let store = database(backend).await?;
        let served = store.db.clone();
        Some(Self::serving(store, served, site, configure).await)
    }

    /// The shop on `store`, seeded through its own connection, serving
    /// through `served` (a second pool on the same database, such as one
    /// through a proxy the test can cut: `database_faults`). `db` stays the
    /// direct connection, for the test's own reads.
    pub async fn serving(
        store: TestDb,
        served: DatabaseConnection,
        site: Option<&std::path::Path>,
        configure: impl FnOnce(&mut app::ssr::state::ServerConfig),
    ) -> Self {
        let db = store.db.clone();
        let uploads = std::env::temp_dir().join(unique("winkel_uploads"));
        winkel::jobs::seed::demo(&db, &uploads)
            .await
            .expect("seed the demo shop");
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml");
        let mut options = leptos::config::get_configuration(root.to_str())
            .expect("Leptos.toml")
            .leptos_options;
        if let Some(site) = site {
            options.site_root = site.to_string_lossy().as_ref().into();
            winkel::assets::use_hash_file(&mut options);
        }
        let mail_dir = std::env::temp_dir().join(unique("winkel_mail"));
        let mut config = app::ssr::state::ServerConfig {
            // What the settings screen shows (never a real secret in tests).
            database_url: "mysql://shop:test-secret@db.example:3306/winkel_shop".into(),
            mailer: std::sync::Arc::new(app::ssr::mailer::Mailer::folder(mail_dir.clone())),
            public_url: SITE.into(),
            ..app::ssr::state::ServerConfig::new(uploads.clone())
        };
        config.form_secret = Some(FORM_SECRET);
        configure(&mut config);
        let (router, state) = winkel::http::router_and_state(options, served, config);
        Self {
            router,
            state,
            db,
            store,
            uploads,
            mail_dir,
        }
    }

    /// The mails sent so far, oldest first, as their raw text. The outbox
    /// is sent first (what the worker of `winkel serve` does right after a
    /// request), so a test sees every mail its requests queued.
    /// A second `winkel serve` on this shop's database with the same
    /// configuration (mail folder, uploads, limits, shared store): its own
    /// caches, metrics, in-memory limits, outbox and router.
    pub fn second_instance(&self) -> (axum::Router, app::ssr::state::AppState) {
        self.second_instance_with(|_| {})
    }

    /// [`second_instance`](Self::second_instance) with `configure` applied
    /// to its configuration (its own way to Redis, say).
    pub fn second_instance_with(
        &self,
        configure: impl FnOnce(&mut app::ssr::state::ServerConfig),
    ) -> (axum::Router, app::ssr::state::AppState) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../Leptos.toml");
        let options = leptos::config::get_configuration(root.to_str())
            .expect("Leptos.toml")
            .leptos_options;
        let mut config = (*self.state.config).clone();
        configure(&mut config);
        winkel::http::router_and_state(options, self.db.clone(), config)
    }

    pub async fn mails(&self) -> Vec<String> {
        app::ssr::services::outbox::deliver_due(
            &self.db,
            &self.state.config.mailer,
            app::ssr::now_utc(),
        )
        .await
        .expect("the outbox is sent");
        let mut files: Vec<PathBuf> = std::fs::read_dir(&self.mail_dir)
            .map(|dir| dir.flatten().map(|e| e.path()).collect())
            .unwrap_or_default();
        files.sort();
        files
            .iter()
            .map(|f| std::fs::read_to_string(f).unwrap_or_default())
            .collect()
    }

    pub fn client(&self) -> Client {
        Client {
            router: self.router.clone(),
            cookie: None,
        }
    }

    pub async fn finish(self) {
        // On MariaDB with Redis: other tests' writes need not wait for
        // this shop's lease to run out.
        self.state.session_cache.release().await;
        let _ = std::fs::remove_dir_all(&self.uploads);
        let _ = std::fs::remove_dir_all(&self.mail_dir);
        self.store.drop_database().await;
    }
}

/// Adds a staff member (an owner when `owner`, else with exactly
/// `rights`) who has chosen `password` already; returns their id.
pub async fn add_staff(
    db: &sea_orm::DatabaseConnection,
    email: &str,
    password: &str,
    owner: bool,
    rights: &[app::cms::rules::Right],
) -> i32 {
    app::ssr::services::staff::create(
        db,
        &app::ssr::services::staff::NewStaff {
            email,
            initial_password: password,
            is_owner: owner,
            rights,
            must_change_password: false,
        },
        app::ssr::now_utc(),
    )
    .await
    .expect("staff member")
}

/// A customer row as the shop writes one (`first@example.nl`, an address
/// in the Netherlands, no newsletter), for a test to adjust and insert.
pub fn customer_row(first: &str, last: &str) -> app::ssr::entities::customer::ActiveModel {
    use sea_orm::Set;
    app::ssr::entities::customer::ActiveModel {
        kind: Set(app::customer::CustomerKind::Customer),
        first_name: Set(first.to_owned()),
        last_name: Set(last.to_owned()),
        email: Set(format!("{}@example.nl", first.to_lowercase())),
        phone: Set("0612345678".to_owned()),
        street: Set("Kerkstraat".to_owned()),
        house_number: Set("1".to_owned()),
        postcode: Set("1012 AB".to_owned()),
        city: Set("Amsterdam".to_owned()),
        country: Set("NL".to_owned()),
        newsletter: Set(app::customer::NewsletterState::None),
        created_at: Set(app::ssr::now_utc()),
        ..Default::default()
    }
}

/// A customer made at `created`; with `account` a password hash and that
/// last login (the retention rules' three kinds of customer).
pub async fn add_customer_at(
    db: &impl ConnectionTrait,
    first: &str,
    last: &str,
    created: chrono::NaiveDateTime,
    account: Option<Option<chrono::NaiveDateTime>>,
) -> i32 {
    use sea_orm::{ActiveModelTrait, Set};
    let mut row = customer_row(first, last);
    row.created_at = Set(created);
    row.last_login_at = Set(account.flatten());
    row.password_hash = Set(account.map(|_| "$pbkdf2-sha512$i=1$x$y".into()));
    row.insert(db).await.expect("customer").id
}

/// The mails to `to` holding `link` (a mailed link's path) written so far,
/// once at least `expected` arrived (a request is answered before its mail
/// is queued) or 10 s passed.
pub async fn mails_with_link(app: &TestApp, to: &str, link: &str, expected: usize) -> Vec<String> {
    let mut waited = std::time::Duration::ZERO;
    let step = std::time::Duration::from_millis(50);
    loop {
        let mails: Vec<String> = app
            .mails()
            .await
            .into_iter()
            .filter(|m| m.contains(&format!("To: {to}")) && m.contains(link))
            .collect();
        if mails.len() >= expected || waited > std::time::Duration::from_secs(10) {
            return mails;
        }
        tokio::time::sleep(step).await;
        waited += step;
    }
}

/// The token of the first `link` in `mail` (what follows `…?t=`).
pub fn token_after(mail: &str, link: &str) -> String {
    let start = mail.find(link).expect("a mailed link") + link.len();
    mail[start..]
        .split_whitespace()
        .next()
        .expect("a token")
        .to_owned()
}

/// Puts `quantity` of the product `slug` into the cart of `client`, as the
/// product page does.
pub async fn add_to_cart(client: &mut Client, slug: &str, quantity: u32) {
    let product = client.call("get_product", &[("slug", slug)]).await.json();
    let id = product["id"].as_i64().expect("id").to_string();
    let added = client
        .call(
            "add_to_cart",
            &[("product_id", &id), ("quantity", &quantity.to_string())],
        )
        .await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
}

/// The stock of the product `slug` as stored.
pub async fn stock_of(db: &DatabaseConnection, slug: &str) -> i32 {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    app::ssr::entities::product::Entity::find()
        .filter(app::ssr::entities::product::Column::Slug.eq(slug))
        .one(db)
        .await
        .unwrap()
        .expect("the product")
        .stock
}

/// Places an order of two bags of espresso beans from `page` with the
/// checkout form `form`; returns the order as stored.
pub async fn order_espresso(
    app: &TestApp,
    page: &str,
    form: &[(&str, &str)],
) -> app::ssr::entities::order::Model {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
    let mut client = app.client();
    add_to_cart(&mut client, "espressobonen-amsterdam", 2).await;
    let placed = call_on(&mut client, page, "place_order", form).await;
    assert_eq!(placed.status, StatusCode::OK, "{}", placed.body);
    let token = placed.json().as_str().expect("token").to_owned();
    app::ssr::entities::order::Entity::find()
        .filter(app::ssr::entities::order::Column::Token.eq(token.as_str()))
        .one(&app.db)
        .await
        .unwrap()
        .expect("the order")
}

/// How the form `endpoint` answers `email`: called from a hydrated page and
/// posted without JavaScript from `page` (status, body, redirect), to
/// compare the answers to a known and an unknown address.
pub async fn answers_to(
    app: &TestApp,
    endpoint: &str,
    page: &str,
    email: &str,
) -> (StatusCode, String, StatusCode, Option<String>, String) {
    let json = app.client().call(endpoint, &[("email", email)]).await;
    let form = app
        .client()
        .post_form(endpoint, page, &[("email", email)])
        .await;
    (
        json.status,
        json.body,
        form.status,
        form.location(),
        form.body,
    )
}

/// A staff member (an owner when `owner`, else with exactly `rights`) who
/// has chosen `password`, logged in to the CMS.
pub async fn staff_client(
    app: &TestApp,
    email: &str,
    password: &str,
    owner: bool,
    rights: &[app::cms::rules::Right],
) -> Client {
    add_staff(&app.db, email, password, owner, rights).await;
    let mut client = app.client();
    let res = client
        .call("cms_login", &[("email", email), ("password", password)])
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    client
}

/// The key the test shop signs its form tokens with (AVG-19 honeypot).
/// The `data-props` of the island named `name` (`LoginForm_…`) in a page,
/// unescaped: what the browser hydrates that island with.
pub fn island_props(page: &str, name: &str) -> Option<String> {
    let at = page.find(&format!("data-component=\"{name}_"))?;
    let tag = &page[at..at + page[at..].find('>')?];
    let props = tag.split("data-props=\"").nth(1)?;
    Some(props[..props.find('"')?].replace("&quot;", "\""))
}

pub const FORM_SECRET: [u8; 32] = [42; 32];

/// A form token as the shop hands it out with a page `seconds_ago`.
pub fn form_token(seconds_ago: u64) -> String {
    app::ssr::form_guard::issue_token(
        &FORM_SECRET,
        app::ssr::form_guard::unix_millis() - seconds_ago * 1000,
    )
}

/// The fields a browser sends: `pairs`, plus the honeypot's start time of
/// a page opened a while ago (as a person fills in a form), unless `pairs`
/// sets it itself. Functions without a form guard ignore it.
fn as_filled_in(pairs: &[(&str, &str)]) -> String {
    let mut body = form(pairs);
    if !pairs.iter().any(|(name, _)| *name == "form_started") {
        let token = form_token(5);
        body.push_str(&format!(
            "{}form_started={}",
            if body.is_empty() { "" } else { "&" },
            urlencode(&token)
        ));
    }
    body
}

/// A server function call from a browser at `address`, as the server sees
/// it after accepting the TCP connection.
pub fn call_from(
    address: &str,
    endpoint: &str,
    pairs: &[(&str, &str)],
    accept: &str,
) -> Request<Body> {
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, accept)
        .header(header::REFERER, format!("http://winkel.example/{endpoint}"))
        .body(Body::from(format!(
            "{}&form_started={}",
            form(pairs),
            form_token(5)
        )))
        .expect("request");
    let peer: SocketAddr = address.parse().expect("a socket address");
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

pub fn registration(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("first_name", "Marieke"),
        ("last_name", "Bakkerus"),
        ("gender", "f"),
        ("street", "Lindengracht"),
        ("house_number", "77"),
        ("postcode", "1015KK"),
        ("city", "Amsterdam"),
        ("country", "NL"),
        ("phone", "020-5551234"),
        ("password", "vier koeien in de wei"),
    ]
}

/// A guest checkout with the registration's details: its fields without
/// the password, shipped and paid by bank transfer.
pub fn checkout(email: &str) -> Vec<(&str, &str)> {
    let mut form = registration(email);
    form.retain(|(name, _)| *name != "password");
    form.extend([
        ("delivery_method", "shipping"),
        ("payment_method", "bank_transfer"),
    ]);
    form
}

/// One visitor: keeps the session cookie between requests.
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
}

impl Client {
    /// A new visitor (no cookie) of the instance `router`.
    pub fn on(router: &Router) -> Self {
        Self {
            router: router.clone(),
            cookie: None,
        }
    }

    /// From now on this visitor's requests go to `router` (another
    /// instance behind the load balancer), with the same cookie.
    pub fn via(&mut self, router: &Router) {
        self.router = router.clone();
    }
}

pub fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", urlencode(k), urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn urlencode(text: &str) -> String {
    let mut out = String::new();
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char);
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

impl Client {
    /// Any request, as this visitor (the session cookie is added by the
    /// helpers below, not here).
    pub async fn send(&mut self, request: Request<Body>) -> Response {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("router answers");
        if let Some(cookie) = response
            .headers()
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
        {
            if let Some(pair) = cookie.split(';').next() {
                self.cookie = Some(pair.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 16 * 1024 * 1024)
            .await
            .expect("body");
        Response {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    fn with_cookie(&self, builder: axum::http::request::Builder) -> axum::http::request::Builder {
        match &self.cookie {
            Some(c) => builder.header(header::COOKIE, c),
            None => builder,
        }
    }

    /// A GET as a browser navigates.
    pub async fn get(&mut self, path: &str) -> Response {
        let req = self
            .with_cookie(Request::get(path).header(header::ACCEPT, "text/html"))
            .body(Body::empty());
        self.send(req.expect("request")).await
    }

    /// A server function call as the hydrated app makes it (JSON answer).
    pub async fn call(&mut self, endpoint: &str, pairs: &[(&str, &str)]) -> Response {
        let req = self
            .with_cookie(
                Request::post(format!("/api/{endpoint}"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, "application/json"),
            )
            .body(Body::from(as_filled_in(pairs)));
        self.send(req.expect("request")).await
    }

    /// A file upload as a browser sends a multipart form.
    pub async fn upload(&mut self, path: &str, field: &str, bytes: &[u8]) -> Response {
        let boundary = "winkeltestboundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"x\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        body.extend_from_slice(bytes);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        let req = self
            .with_cookie(
                Request::post(path)
                    .header(
                        header::CONTENT_TYPE,
                        format!("multipart/form-data; boundary={boundary}"),
                    )
                    .header(header::ACCEPT, "text/html"),
            )
            .body(Body::from(body));
        self.send(req.expect("request")).await
    }

    /// A plain HTML form post, as a browser without JavaScript sends it.
    pub async fn post_form(
        &mut self,
        endpoint: &str,
        referer: &str,
        pairs: &[(&str, &str)],
    ) -> Response {
        let req = self
            .with_cookie(
                Request::post(format!("/api/{endpoint}"))
                    .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(header::ACCEPT, "text/html,application/xhtml+xml")
                    .header(header::REFERER, referer),
            )
            .body(Body::from(as_filled_in(pairs)));
        self.send(req.expect("request")).await
    }
}

/// A hung test fails instead of stalling the whole suite. Generous: on 2
/// cores under load a test that hashes passwords can take most of a minute.
/// The clock starts once the test has its turn: waiting while a test runs
/// [`alone`] does not count.
pub async fn within_a_minute(test: impl std::future::Future<Output = ()>) {
    let _turn = Turn::side_by_side().await;
    if tokio::time::timeout(std::time::Duration::from_secs(120), test)
        .await
        .is_err()
    {
        panic!("test did not finish within 120 s");
    }
}

/// For a test that reads back, through the shop's own clock, what it
/// stored moments before in the same hour or day: shop midnight (22:00 or
/// 23:00 UTC), UTC midnight (the shared store's daily salt) and the hourly
/// security counts all turn at a whole UTC hour. Less than 30 s before one,
/// this waits until it has passed, so that CI may run at any time.
pub async fn clear_of_the_hour() {
    use chrono::Timelike;
    let now = app::ssr::now_utc();
    let left = 3600 - u64::from(now.minute() * 60 + now.second());
    if left < 30 {
        tokio::time::sleep(std::time::Duration::from_secs(left + 1)).await;
    }
}

/// Runs a test body against both databases; `alone:` first runs it
/// [`alone`] (each database in turn).
macro_rules! on_both_databases {
    (alone: $($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::common::alone($crate::common::within_a_minute(super::$name(
                        $crate::common::Backend::Sqlite,
                    )))
                    .await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mariadb() {
                    $crate::common::alone($crate::common::within_a_minute(super::$name(
                        $crate::common::Backend::MariaDb,
                    )))
                    .await;
                }
            }
        )*
    };
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn sqlite() {
                    $crate::common::within_a_minute(super::$name($crate::common::Backend::Sqlite)).await;
                }
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn mariadb() {
                    $crate::common::within_a_minute(super::$name($crate::common::Backend::MariaDb)).await;
                }
            }
        )*
    };
}

/// Every cell of every table of the database, as text, one line per row:
/// for tests that prove a value occurs nowhere.
pub async fn dump_all_text(db: &DatabaseConnection) -> String {
    use sea_orm::{DatabaseBackend, Statement};
    let backend = db.get_database_backend();
    let tables_sql = match backend {
        DatabaseBackend::Sqlite => {
            "SELECT name AS t FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
        _ => {
            "SELECT table_name AS t FROM information_schema.tables WHERE table_schema = DATABASE()"
        }
    };
    let tables: Vec<String> = db
        .query_all_raw(Statement::from_string(backend, tables_sql))
        .await
        .expect("list tables")
        .iter()
        .filter_map(|r| r.try_get::<String>("", "t").ok())
        .collect();
    assert!(
        tables.len() >= 10,
        "expected the whole schema, got {tables:?}"
    );
    let mut out = String::new();
    for table in tables {
        let columns_sql = match backend {
            DatabaseBackend::Sqlite => format!("SELECT name AS c FROM pragma_table_info('{table}')"),
            _ => format!(
                "SELECT column_name AS c FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = '{table}'"
            ),
        };
        let columns: Vec<String> = db
            .query_all_raw(Statement::from_string(backend, columns_sql))
            .await
            .expect("list columns")
            .iter()
            .filter_map(|r| r.try_get::<String>("", "c").ok())
            .collect();
        let cast = |c: &str| match backend {
            DatabaseBackend::Sqlite => format!("COALESCE(CAST(\"{c}\" AS TEXT), '')"),
            _ => format!("COALESCE(CAST(`{c}` AS CHAR), '')"),
        };
        let joined = match backend {
            DatabaseBackend::Sqlite => columns
                .iter()
                .map(|c| cast(c))
                .collect::<Vec<_>>()
                .join(" || '|' || "),
            _ => format!(
                "CONCAT_WS('|', {})",
                columns
                    .iter()
                    .map(|c| cast(c))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        let quoted = match backend {
            DatabaseBackend::Sqlite => format!("\"{table}\""),
            _ => format!("`{table}`"),
        };
        let rows = db
            .query_all_raw(Statement::from_string(
                backend,
                format!("SELECT {joined} AS row_text FROM {quoted}"),
            ))
            .await
            .expect("dump table");
        for row in rows {
            out.push_str(&table);
            out.push(':');
            out.push_str(&row.try_get::<String>("", "row_text").unwrap_or_default());
            out.push('\n');
        }
    }
    out
}

/// Whether the log is being captured: only while a test runs [`alone`].
static CAPTURING: AtomicBool = AtomicBool::new(false);

/// Everything logged (debug level included) from now until the end of the
/// calling test, which runs [`alone`]: for tests that prove what never
/// reaches the log. Nothing is kept (or formatted) at other times.
pub fn captured_log() -> Arc<Mutex<Vec<u8>>> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::Layer;
    assert!(
        ALONE.try_with(|_| ()).is_ok(),
        "captured_log() is for a test that runs alone: others log too"
    );
    static LOG: OnceLock<Arc<Mutex<Vec<u8>>>> = OnceLock::new();
    let log = LOG
        .get_or_init(|| {
            let log = Arc::new(Mutex::new(Vec::new()));
            let sink = log.clone();
            let capturing = tracing_subscriber::filter::filter_fn(|meta| {
                CAPTURING.load(Ordering::SeqCst) && *meta.level() <= tracing::Level::DEBUG
            });
            let _ = tracing_subscriber::registry()
                .with(
                    tracing_subscriber::fmt::layer()
                        .with_ansi(false)
                        .with_writer(move || Sink(sink.clone()))
                        .with_filter(capturing),
                )
                .try_init();
            log
        })
        .clone();
    log.lock().expect("log buffer").clear();
    CAPTURING.store(true, Ordering::SeqCst);
    log
}

pub struct Sink(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The public URL the test shop's pages are at (the Referer of `call_on`).
pub const SITE: &str = "https://winkel.example";

/// A server function called from the page at `page` (a path), as the
/// hydrated app calls it: the page is the Referer, which sets the language
/// of what the call writes (an order, a mail).
pub async fn call_on(
    client: &mut Client,
    page: &str,
    endpoint: &str,
    pairs: &[(&str, &str)],
) -> Response {
    let mut req = Request::post(format!("/api/{endpoint}"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ACCEPT, "application/json")
        .header(header::REFERER, format!("{SITE}{page}"));
    if let Some(cookie) = &client.cookie {
        req = req.header(header::COOKIE, cookie.clone());
    }
    let body = format!("{}&form_started={}", form(pairs), form_token(5));
    client.send(req.body(Body::from(body)).unwrap()).await
}
