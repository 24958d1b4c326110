//! Issue 18, hostile input: every registered server function, called by an
//! anonymous visitor and by a logged-in CMS owner, with bodies no browser
//! sends: empty, invalid UTF-8, NUL bytes, a megabyte, ten thousand
//! repeated keys, deeply nested keys, wrong types and overflowing numbers,
//! JSON for a form and a form labelled JSON, wrong content types, missing
//! fields. The shop answers each with a readable 4xx (or does the work):
//! never a 5xx other than a deliberate 503 with `Retry-After`, never a
//! panic, and it still answers `/healthz` afterwards.
//!
//! The functions come from server_fn's registry, so a new one is covered
//! without touching this test. Its fields are learnt as a client would:
//! an empty call names the first missing field, and so on; each field is
//! then given every hostile value while the others stay plausible, so that
//! the values reach the validation behind the decoding.

use crate::common::{self, Backend, Client, Response, TestApp};
use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

// The registry in four parts, each a test of its own: the whole corpus
// through every function takes about a minute per database on an idle
// machine, more than a test may take when the suite runs side by side.
on_both_databases!(
    hostile_bodies_part_1,
    hostile_bodies_part_2,
    hostile_bodies_part_3,
    hostile_bodies_part_4,
);

const PARTS: usize = 4;

async fn hostile_bodies_part_1(backend: Backend) {
    every_server_function_refuses_hostile_bodies(backend, 0).await;
}
async fn hostile_bodies_part_2(backend: Backend) {
    every_server_function_refuses_hostile_bodies(backend, 1).await;
}
async fn hostile_bodies_part_3(backend: Backend) {
    every_server_function_refuses_hostile_bodies(backend, 2).await;
}
async fn hostile_bodies_part_4(backend: Backend) {
    every_server_function_refuses_hostile_bodies(backend, 3).await;
}

/// Panics anywhere in the process outside the tests' own code (a handler,
/// a spawned task of the shop, a library): a panic in a spawned task would
/// otherwise only show as a 500, or not at all.
static SHOP_PANICS: AtomicUsize = AtomicUsize::new(0);

fn count_shop_panics() {
    static HOOK: OnceLock<()> = OnceLock::new();
    HOOK.get_or_init(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let ours = info
                .location()
                .is_some_and(|l| l.file().contains("tests/it/"));
            if !ours {
                SHOP_PANICS.fetch_add(1, Ordering::SeqCst);
            }
            previous(info);
        }));
    });
}

/// A value no other call uses, for fields that name an account (the login
/// throttle counts failures per address: repeating one would only test
/// its waiting).
fn fresh_email() -> String {
    format!("{}@example.nl", common::unique("vijand"))
}

/// A plausible value for a field, by its name, so that the other fields
/// of a call pass their decoding while one of them is hostile.
fn plausible(field: &str) -> String {
    if field.contains("email") {
        fresh_email()
    } else if field.contains("password") {
        "een lang genoeg wachtwoord".into()
    } else if field.contains("date") {
        "2026-12-14".into()
    } else if field == "slot" {
        "2026-12-14T19:00+01:00".into()
    } else if field == "country" || field.ends_with("_country") {
        "NL".into()
    } else {
        "1".into()
    }
}

/// Hostile values for one field (percent-encoded as they travel). A
/// function that checks a password on every call (a login: a failed one
/// costs seconds, by design) gets only the megabyte in its first field.
fn hostile_values(first_field: bool, hashes: bool) -> Vec<String> {
    let huge = "a".repeat(if first_field { 1 << 20 } else { 64 << 10 });
    if hashes {
        return if first_field { vec![huge] } else { vec![] };
    }
    let mut values: Vec<String> = [
        "",
        "%00",
        "%FF%FE%C3%28",
        "-1",
        "9223372036854775808",
        "-99999999999999999999999999999999",
        "1e400",
        "%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    ]
    .map(String::from)
    .to_vec();
    // A megabyte once per function (its cost is in the decoding); 64 KB
    // for the other fields.
    values.push(huge);
    values
}

/// Bodies of the corpus that decode into the function's arguments (only
/// their labels are wrong): a password-checking function skips them, and
/// the owner's round of it has no decodable body at all.
const DECODABLE: [&str; 3] = [
    "a form labelled JSON",
    "a form as text/plain",
    "no content type",
];

fn form_body(fields: &[(String, String)]) -> Vec<u8> {
    let mut pairs: Vec<String> = fields.iter().map(|(k, v)| format!("{k}={v}")).collect();
    pairs.push(format!("form_started={}", common::form_token(5)));
    pairs.join("&").into_bytes()
}

/// The fields with fresh values for every account field except `keep`.
fn refreshed(fields: &[(String, String)], keep: Option<usize>) -> Vec<(String, String)> {
    fields
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            if Some(i) != keep && k.contains("email") {
                (k.clone(), fresh_email())
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect()
}

struct Call<'a> {
    path: &'a str,
    content_type: Option<&'a str>,
    accept: &'a str,
    body: Vec<u8>,
}

impl<'a> Call<'a> {
    fn form(path: &'a str, body: Vec<u8>) -> Self {
        Self {
            path,
            content_type: Some("application/x-www-form-urlencoded"),
            accept: "application/json",
            body,
        }
    }
}

async fn send(client: &mut Client, call: Call<'_>) -> Response {
    let mut req = Request::post(call.path)
        .header(header::ACCEPT, call.accept)
        .header(header::REFERER, format!("{}/", common::SITE));
    if let Some(content_type) = call.content_type {
        req = req.header(header::CONTENT_TYPE, content_type);
    }
    if let Some(cookie) = &client.cookie {
        req = req.header(header::COOKIE, cookie.clone());
    }
    client
        .send(req.body(Body::from(call.body)).expect("request"))
        .await
}

/// What every answer must be: no 5xx but a deliberate 503 with
/// `Retry-After`; a refusal a person can read.
fn assert_answer(who: &str, path: &str, what: &str, res: &Response) {
    let status = res.status;
    assert!(
        !status.is_server_error()
            || (status == StatusCode::SERVICE_UNAVAILABLE
                && res.headers.contains_key(header::RETRY_AFTER)),
        "{who} {path} with {what}: {status} {}",
        res.body.chars().take(300).collect::<String>()
    );
    if status.is_client_error() {
        assert!(
            !res.body.trim().is_empty(),
            "{who} {path} with {what}: {status} with an empty body"
        );
    }
    if status.is_redirection() {
        assert!(
            res.location().is_some(),
            "{who} {path} with {what}: {status} without Location"
        );
    }
}

/// The fields a function asks for, learnt from its own answers.
async fn learn_fields(client: &mut Client, path: &str) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = Vec::new();
    for _ in 0..40 {
        let res = send(
            client,
            Call::form(path, form_body(&refreshed(&fields, None))),
        )
        .await;
        let Some(missing) = res
            .body
            .split("missing field `")
            .nth(1)
            .and_then(|rest| rest.split('`').next())
        else {
            break;
        };
        if fields.iter().any(|(k, _)| k == missing) {
            break;
        }
        fields.push((missing.to_owned(), plausible(missing)));
    }
    fields
}

/// Every hostile body for one function with these `fields`, as one
/// client; with each field hostile in turn when `fields_too`.
async fn attack(
    who: &str,
    client: &mut Client,
    path: &str,
    fields: &[(String, String)],
    fields_too: bool,
) -> usize {
    let hashes = fields.iter().any(|(k, _)| k.contains("password"));
    let first = fields
        .first()
        .map_or_else(|| "x".to_owned(), |(k, _)| k.clone());
    let plain = || form_body(&refreshed(fields, None));
    let json = {
        let map: serde_json::Map<String, serde_json::Value> = refreshed(fields, None)
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
        serde_json::to_vec(&map).expect("json")
    };
    let mut calls: Vec<(String, Call)> = vec![
        ("an empty body".into(), Call::form(path, Vec::new())),
        (
            "invalid UTF-8".into(),
            Call::form(path, b"\xff\xfe=\xc3\x28&x=\x80\x81".to_vec()),
        ),
        (
            "NUL bytes".into(),
            Call::form(path, format!("{first}=a\0b&\0=\0").into_bytes()),
        ),
        (
            "a megabyte without a field name".into(),
            Call::form(path, format!("x={}", "%41".repeat(1 << 18)).into_bytes()),
        ),
        (
            "10,000 repeated keys".into(),
            Call::form(path, format!("{first}=1&").repeat(10_000).into_bytes()),
        ),
        (
            "deeply nested keys".into(),
            Call::form(
                path,
                format!(
                    "{first}{}=1&a{}=1",
                    "[x]".repeat(1_000),
                    "%5Bb%5D".repeat(1_000)
                )
                .into_bytes(),
            ),
        ),
        (
            "an array where a value is expected".into(),
            Call::form(path, format!("{first}[]=1&{first}[]=2").into_bytes()),
        ),
        (
            "JSON labelled as a form".into(),
            Call::form(path, json.clone()),
        ),
        (
            "JSON as JSON".into(),
            Call {
                content_type: Some("application/json"),
                ..Call::form(path, json)
            },
        ),
        (
            "a form labelled JSON".into(),
            Call {
                content_type: Some("application/json"),
                ..Call::form(path, plain())
            },
        ),
        (
            "a form as text/plain".into(),
            Call {
                content_type: Some("text/plain"),
                ..Call::form(path, plain())
            },
        ),
        (
            "a broken multipart body".into(),
            Call {
                content_type: Some("multipart/form-data; boundary=x"),
                ..Call::form(
                    path,
                    b"--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x".to_vec(),
                )
            },
        ),
        (
            "no content type".into(),
            Call {
                content_type: None,
                ..Call::form(path, plain())
            },
        ),
        (
            "a form posted without JavaScript".into(),
            Call {
                accept: "text/html,application/xhtml+xml",
                ..Call::form(path, plain())
            },
        ),
    ];
    if hashes {
        calls.retain(|(what, _)| !DECODABLE.contains(&what.as_str()));
        if !fields_too {
            calls.retain(|(what, _)| what != "a form posted without JavaScript");
        }
    }
    // Each field hostile in turn, the others plausible; and each missing.
    for (i, (name, _)) in fields.iter().enumerate().filter(|_| fields_too) {
        for value in hostile_values(i == 0, hashes) {
            let mut these = refreshed(fields, Some(i));
            these[i].1.clone_from(&value);
            let shown: String = value.chars().take(40).collect();
            calls.push((
                format!("field {name}={shown}"),
                Call::form(path, form_body(&these)),
            ));
        }
        let mut without = refreshed(fields, None);
        without.remove(i);
        calls.push((format!("no {name}"), Call::form(path, form_body(&without))));
    }
    let count = calls.len();
    for (what, call) in calls {
        let started = std::time::Instant::now();
        let res = send(client, call).await;
        assert_answer(who, path, &what, &res);
        let kind = match what.split_once('=') {
            Some((_, value)) if what.starts_with("field ") => format!("field={value}"),
            _ => what.clone(),
        };
        *TIMES.lock().unwrap().entry(kind).or_default() += started.elapsed();
    }
    count
}

/// Time taken per kind of body, to keep the test within its minute.
static TIMES: std::sync::Mutex<std::collections::BTreeMap<String, std::time::Duration>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

/// A newly made owner, logged in.
async fn new_owner(app: &TestApp) -> Client {
    let password = "een sterk wachtwoord voor de eigenaar";
    common::staff_client(app, &fresh_email(), password, true, &[]).await
}

/// The functions of part `part` (every `PARTS`th of the sorted registry).
async fn every_server_function_refuses_hostile_bodies(backend: Backend, part: usize) {
    count_shop_panics();
    let panics_before = SHOP_PANICS.load(Ordering::SeqCst);
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut paths: Vec<String> = leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _)| path.to_owned())
        .collect();
    paths.sort();
    paths.dedup();
    assert!(paths.len() >= 40, "registered: {paths:?}");
    let paths: Vec<String> = paths
        .into_iter()
        .enumerate()
        .filter(|(i, _)| i % PARTS == part)
        .map(|(_, path)| path)
        .collect();

    let mut visitor = app.client();
    let mut owner = new_owner(&app).await;
    let started = std::time::Instant::now();
    let mut calls = 0;
    for path in &paths {
        let at = started.elapsed();
        let fields = learn_fields(&mut visitor, path).await;
        calls += attack("a visitor", &mut visitor, path, &fields, true).await;
        // The owner may have logged out (cms_logout) or changed their own
        // state; a fresh owner keeps every CMS function reached past its
        // right check. The shop's own functions see the owner as a visitor
        // with a cookie: the bodies alone, no second round of fields.
        if owner.call("cms_me", &[]).await.status != StatusCode::OK {
            owner = new_owner(&app).await;
        }
        let cms = path.starts_with("/api/cms_");
        let hashes = fields.iter().any(|(k, _)| k.contains("password"));
        calls += attack("the owner", &mut owner, path, &fields, cms && !hashes).await;
        let took = started.elapsed() - at;
        if took.as_secs() >= 2 {
            eprintln!("{path}: {:.1} s", took.as_secs_f64());
        }
    }
    let mut slowest: Vec<_> = TIMES.lock().unwrap().clone().into_iter().collect();
    slowest.sort_by_key(|(_, t)| std::cmp::Reverse(*t));
    eprintln!("slowest bodies: {:?}", &slowest[..slowest.len().min(8)]);
    eprintln!(
        "hostile bodies ({backend:?}, part {}): {} functions, {calls} calls in {:.1} s",
        part + 1,
        paths.len(),
        started.elapsed().as_secs_f64()
    );
    let health = visitor.get("/healthz").await;
    assert_eq!(health.status, StatusCode::OK, "{}", health.body);
    assert_eq!(
        SHOP_PANICS.load(Ordering::SeqCst),
        panics_before,
        "the shop panicked (see the messages above)"
    );
    app.finish().await;
}
