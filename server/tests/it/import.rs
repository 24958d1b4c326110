//! `winkel customers import` on SQLite and MariaDB: good lines land, bad
//! lines are reported by number and skipped, legacy hashes log in.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{Backend, TestApp};
use app::customer::NewsletterState;
use app::ssr::entities::customer;
use axum::http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

on_both_databases!(
    imports_good_lines_and_reports_bad_ones,
    an_imported_active_account_survives_the_first_sweep,
);

async fn imports_good_lines_and_reports_bad_ones(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let legacy = app::ssr::password::legacy_hash("oude tijden 2009", "kees@example.nl");
    let csv = format!(
        "email,first_name,last_name,street,house_number,postcode,city,country,phone,created_at,newsletter,password_hash\n\
         kees@example.nl,Kees,Smit,Kerkstraat,4,1017 GB,Amsterdam,NL,0612345678,2018-05-01,ja,{legacy}\n\
         fout@example.nl,Fout,Postcode,Kerkstraat,4,ABCDEF,Amsterdam,NL,0612345678,,,\n\
         guest@example.be,Gast,Janssens,Meir,5,2000,Antwerpen,BE,+32 3 123 45 67,,nee,\n\
         kees@example.nl,Kees,Dubbel,Kerkstraat,4,1017 GB,Amsterdam,NL,0612345678,,,{legacy}\n\
         kapot,\"niet,afgesloten\n"
    );
    let now = app::ssr::now_utc();
    let report = winkel::jobs::import::import_customers(&app.db, csv.as_bytes(), now, 5)
        .await
        .expect("import runs");
    assert_eq!(report.imported, 2, "{:?}", report.refused);
    let lines: Vec<u64> = report.refused.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![3, 5, 6], "{:?}", report.refused);
    assert!(
        report.refused[0].1.starts_with("postcode:"),
        "{:?}",
        report.refused[0]
    );
    assert!(report.refused[1].1.contains("exists already"));
    assert_eq!(
        customer::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        2
    );
    // The numbers are the file's lines, as the owner's editor shows them:
    // a street with a line break in its quotes takes two, a record ended by
    // a lone carriage return none.
    let csv = "email,street,postcode\n\
               a@example.nl,\"Kerkstraat\n4\",ABCDEF\n\
               b@example.nl,Markt 1,ABCDEF\r\
               c@example.nl,Markt 2,ABCDEF\n";
    let report = winkel::jobs::import::import_customers(&app.db, csv.as_bytes(), now, 4)
        .await
        .expect("import runs");
    let lines: Vec<u64> = report.refused.iter().map(|(line, _)| *line).collect();
    assert_eq!(lines, vec![2, 4, 4], "{:?}", report.refused);

    let kees = customer::Entity::find()
        .filter(customer::Column::Email.eq("kees@example.nl"))
        .one(&app.db)
        .await
        .expect("q")
        .expect("kees");
    assert_eq!(kees.created_at.date().to_string(), "2018-05-01");
    assert_eq!(kees.newsletter, NewsletterState::Subscribed);

    // The imported legacy hash logs in and is replaced by PBKDF2.
    let mut client = app.client();
    let res = client
        .call(
            "login",
            &[
                ("email", "kees@example.nl"),
                ("password", "oude tijden 2009"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let kees = customer::Entity::find_by_id(kees.id)
        .one(&app.db)
        .await
        .expect("q")
        .expect("kees");
    assert!(kees
        .password_hash
        .expect("hash")
        .starts_with("$pbkdf2-sha512$"));

    // A wrong header is refused as a whole, before anything is written.
    let bad = "email,ip_address\nx@example.nl,127.0.0.1\n";
    let err = winkel::jobs::import::import_customers(&app.db, bad.as_bytes(), now, 1)
        .await
        .expect_err("refused");
    assert!(
        err.to_string().contains("unknown column \"ip_address\""),
        "{err}"
    );
    assert_eq!(
        customer::Entity::find()
            .count(&app.db)
            .await
            .expect("count"),
        2
    );
    app.finish().await;
}

/// An account that was active in the old system keeps its last login, so
/// the first nightly sweep does not erase it for its old `created_at`; an
/// account without one is judged by `created_at` as before.
async fn an_imported_active_account_survives_the_first_sweep(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let now = app::ssr::now_utc();
    let recent = (now - chrono::Duration::days(30)).date().to_string();
    let active = app::ssr::password::legacy_hash("nog steeds klant", "actief@example.nl");
    let idle = app::ssr::password::legacy_hash("lang geleden", "stil@example.nl");
    let csv = format!(
        "email,first_name,last_name,street,house_number,postcode,city,country,phone,created_at,password_hash,last_login\n\
         actief@example.nl,Ada,Actief,Kerkstraat,4,1017 GB,Amsterdam,NL,0612345678,2012-05-01,{active},{recent}\n\
         stil@example.nl,Stan,Stil,Kerkstraat,6,1017 GB,Amsterdam,NL,0612345679,2012-05-01,{idle},\n\
         gast@example.nl,Gijs,Gast,Kerkstraat,8,1017 GB,Amsterdam,NL,0612345670,2012-05-01,,{recent}\n"
    );
    let report = winkel::jobs::import::import_customers(&app.db, csv.as_bytes(), now, 10)
        .await
        .expect("import runs");
    assert_eq!(report.imported, 2, "{:?}", report.refused);
    assert!(
        report.refused[0].1.contains("only an account"),
        "a guest has no login: {:?}",
        report.refused
    );
    let preview = app::ssr::services::retention::preview(&app.db, now)
        .await
        .expect("preview");
    assert_eq!(
        preview.customers_deleted, 1,
        "only the idle account is past the term"
    );
    app.finish().await;
}
