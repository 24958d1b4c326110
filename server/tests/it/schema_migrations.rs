//! Migrating with several instances (issue 19): `winkel migrate` started on
//! several hosts at once migrates the database once, without MariaDB's
//! server-local `GET_LOCK`; `winkel serve` with
//! `WINKEL_MIGRATE_ON_START=false` serves only the schema it knows, and no
//! winkel touches a schema newer than its own.

use crate::common::{empty_database, free_port, Backend, TestDb};
use sea_orm::{ConnectionTrait, DatabaseBackend, Statement};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use winkel::schema::{self, SchemaState, MIGRATION_LOCK};

on_both_databases!(
    four_instances_migrate_one_database_once,
    a_migration_left_by_a_killed_instance_is_taken_over,
    serve_without_migrating_needs_the_schema_it_knows,
    no_winkel_touches_a_newer_schema,
);

fn winkel(store: &TestDb, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_winkel"));
    command
        .args(args)
        .env("DATABASE_URL", store.url())
        .env("WINKEL_LOG", "warn")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
        .stdin(Stdio::null());
    command
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output().expect("run winkel"))
        .await
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

async fn lock_rows(store: &TestDb) -> i64 {
    let row = store
        .db
        .query_one_raw(Statement::from_string(
            kind(store),
            format!("SELECT COUNT(*) AS n FROM {MIGRATION_LOCK}"),
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get::<i64>("", "n").unwrap()
}

/// Four `winkel migrate` at the same moment on an empty database (on
/// MariaDB one whose default is still latin1): every one succeeds, the
/// schema is complete once, its tables take any character, the lock is
/// given back.
async fn four_instances_migrate_one_database_once(backend: Backend) {
    let Some(store) = empty_database(backend).await else {
        return;
    };
    if backend == Backend::MariaDb {
        store
            .db
            .execute_unprepared("ALTER DATABASE CHARACTER SET latin1 COLLATE latin1_swedish_ci")
            .await
            .unwrap();
    }
    let runs: Vec<_> = (0..4)
        .map(|_| tokio::spawn(output(winkel(&store, &["migrate"]))))
        .collect();
    let mut applied_now = Vec::new();
    for run in runs {
        let out = run.await.unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let said = stderr(&out);
        let n: usize = said
            .split("; ")
            .nth(1)
            .and_then(|rest| rest.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("how many were applied: {said}"));
        applied_now.push(n);
    }
    let all = schema::known_migrations().len();
    assert_eq!(
        applied_now.iter().filter(|n| **n > 0).count(),
        1,
        "one instance migrates, the others find the schema done: {applied_now:?}"
    );
    assert_eq!(applied_now.iter().sum::<usize>(), all);
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Current
    );
    assert_eq!(lock_rows(&store).await, 0, "the lock is given back");
    // Every table takes what a shop owner types (the latin1 default would
    // refuse the arrow and the emoji).
    store
        .db
        .execute_raw(Statement::from_sql_and_values(
            kind(&store),
            "INSERT INTO settings (`key`, value) VALUES (?, ?)",
            ["test.arrow".into(), "Bezorging → morgen ☕️ 🚲".into()],
        ))
        .await
        .expect("a utf8mb4 table");
    store.drop_database().await;
}

/// A migration killed half-way leaves its lock row; once the row is stale
/// the next `winkel migrate` takes it over and completes the schema. A
/// fresh row (someone migrating now) is waited for.
async fn a_migration_left_by_a_killed_instance_is_taken_over(backend: Backend) {
    let Some(store) = empty_database(backend).await else {
        return;
    };
    let out = output(winkel(&store, &["migrate"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    // One migration undone, and a lock row whose holder stopped
    // refreshing it ten minutes ago.
    <migrations::Migrator as migrations::MigratorTrait>::down(&store.db, Some(1))
        .await
        .unwrap();
    let ten_minutes_ago = chrono::Utc::now().timestamp() - 600;
    let lock = |heartbeat: i64| {
        Statement::from_sql_and_values(
            kind(&store),
            format!("INSERT INTO {MIGRATION_LOCK} (name, holder, heartbeat) VALUES ('schema', 'killed', ?)"),
            [heartbeat.into()],
        )
    };
    store.db.execute_raw(lock(ten_minutes_ago)).await.unwrap();
    let out = output(winkel(&store, &["migrate"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Current
    );
    assert_eq!(lock_rows(&store).await, 0);

    // A live holder: the next instance waits for it, and goes on when it
    // is done.
    <migrations::Migrator as migrations::MigratorTrait>::down(&store.db, Some(1))
        .await
        .unwrap();
    store
        .db
        .execute_raw(lock(chrono::Utc::now().timestamp()))
        .await
        .unwrap();
    let mut waiting = winkel(&store, &["migrate"]);
    waiting.stderr(Stdio::piped());
    let waiting = waiting.spawn().unwrap();
    tokio::time::sleep(Duration::from_secs(2)).await;
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Behind {
            at: schema::known_migrations().iter().rev().nth(1).cloned(),
            pending: 1
        },
        "nothing migrates while another instance holds the lock"
    );
    store
        .db
        .execute_unprepared(&format!("DELETE FROM {MIGRATION_LOCK}"))
        .await
        .unwrap();
    let out = tokio::task::spawn_blocking(move || waiting.wait_with_output().unwrap())
        .await
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("waiting for another instance's migration"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Current
    );
    store.drop_database().await;
}

/// `WINKEL_MIGRATE_ON_START=false`: an empty or older database is refused
/// with the command to run; after `winkel migrate` the shop is served.
async fn serve_without_migrating_needs_the_schema_it_knows(backend: Backend) {
    let Some(store) = empty_database(backend).await else {
        return;
    };
    let serve = |port: u16| {
        let mut command = winkel(&store, &["serve"]);
        command
            .env("WINKEL_MIGRATE_ON_START", "false")
            .env("WINKEL_ADDR", format!("127.0.0.1:{port}"))
            .env("WINKEL_SCHEDULER", "off")
            .env(
                "WINKEL_MAIL_DIR",
                std::env::temp_dir().join("winkel-schema-mail"),
            );
        command
    };
    let refused = output(serve(free_port())).await;
    assert!(!refused.status.success());
    assert!(
        stderr(&refused).contains("run `winkel migrate` first"),
        "{}",
        stderr(&refused)
    );
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Behind {
            at: None,
            pending: schema::known_migrations().len()
        },
        "serve did not migrate"
    );

    let out = output(winkel(&store, &["migrate"])).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let port = free_port();
    let mut shop = serve(port).stderr(Stdio::piped()).spawn().unwrap();
    let started = Instant::now();
    let healthy = loop {
        if let Some(status) = shop.try_wait().unwrap() {
            let mut said = String::new();
            std::io::Read::read_to_string(shop.stderr.as_mut().unwrap(), &mut said).unwrap();
            panic!("serve stopped ({status}): {said}");
        }
        let answer = status_of(port, "/healthz").await;
        if answer.as_deref() == Some("200") || started.elapsed() > Duration::from_secs(30) {
            break answer;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let _ = shop.kill();
    let _ = shop.wait();
    assert_eq!(healthy.as_deref(), Some("200"), "the shop is served");
    store.drop_database().await;
}

/// The status code of a plain HTTP/1.0 GET on 127.0.0.1:`port`.
async fn status_of(port: u16, path: &str) -> Option<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .ok()?;
    stream
        .write_all(format!("GET {path} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .await
        .ok()?;
    let mut head = vec![0u8; 64];
    let n = stream.read(&mut head).await.ok()?;
    let head = String::from_utf8_lossy(&head[..n]).into_owned();
    head.split(' ').nth(1).map(str::to_owned)
}

/// A database migrated by a newer winkel (a migration this one does not
/// know): `serve` and `migrate` refuse it and change nothing.
async fn no_winkel_touches_a_newer_schema(backend: Backend) {
    let Some(store) = empty_database(backend).await else {
        return;
    };
    winkel::schema::migrate(&store.db).await.unwrap();
    let future = "m20991231_000099_from_a_newer_winkel";
    store
        .db
        .execute_raw(Statement::from_sql_and_values(
            kind(&store),
            "INSERT INTO seaql_migrations (version, applied_at) VALUES (?, ?)",
            [future.into(), 0i64.into()],
        ))
        .await
        .unwrap();
    for args in [&["migrate"][..], &["serve"][..]] {
        let mut command = winkel(&store, args);
        command.env("WINKEL_ADDR", format!("127.0.0.1:{}", free_port()));
        let out = output(command).await;
        assert!(!out.status.success(), "{args:?} must refuse");
        assert!(
            stderr(&out).contains(&format!(
                "the database has migration {future}, which this winkel does not know"
            )),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    assert_eq!(
        schema::schema_state(&store.db).await.unwrap(),
        SchemaState::Ahead {
            unknown: future.into()
        }
    );
    store.drop_database().await;
}

fn kind(store: &TestDb) -> DatabaseBackend {
    store.db.get_database_backend()
}
