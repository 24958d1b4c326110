//! Two editors saving a record with the same new slug at the same moment:
//! the check before the save finds the slug free for both, the unique key
//! takes one, and the other editor is told the slug is taken — never a 500.

use crate::common::{self, Backend, Client, TestApp};
use app::cms::rules::Right;
use app::error::AppError;
use app::ssr::entities::category;
use axum::http::StatusCode;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};

on_both_databases!(
    the_unique_key_answers_slug_taken,
    parallel_saves_of_one_slug_make_one_product,
);

const PASSWORD: &str = "eerste wachtwoord van de balie";

/// The database's own refusal, as each driver words it, becomes the
/// editor's field message.
async fn the_unique_key_answers_slug_taken(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let taken = category::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let twin = category::ActiveModel {
        name: Set("Tweeling".into()),
        name_en: Set(None),
        slug: Set(taken.slug.clone()),
        position: Set(99),
        ..Default::default()
    };
    let refused = twin.insert(&app.db).await.expect_err("the unique key");
    match AppError::slug_taken_or(refused) {
        AppError::Validation(errors) => {
            let fields = serde_json::to_value(&errors).unwrap();
            assert_eq!(fields[0]["field"], "slug", "{fields}");
            assert_eq!(fields[0]["error"], "SlugTaken", "{fields}");
        }
        other => panic!("slug taken expected, got {other:?}"),
    }
    app.finish().await;
}

async fn parallel_saves_of_one_slug_make_one_product(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let editor = common::staff_client(
        &app,
        "inkoop@example.nl",
        PASSWORD,
        false,
        &[Right::CatalogEdit],
    )
    .await;
    let category_id = category::Entity::find()
        .one(&app.db)
        .await
        .unwrap()
        .unwrap()
        .id
        .to_string();
    let saves: Vec<_> = (0..6)
        .map(|_| {
            let mut client: Client = app.client();
            client.cookie = editor.cookie.clone();
            let category_id = category_id.clone();
            tokio::spawn(async move {
                client
                    .call(
                        "cms_save_product",
                        &[
                            ("category_id", category_id.as_str()),
                            ("name", "Snijplank Race"),
                            ("slug", "snijplank-race"),
                            ("price", "12,50"),
                            ("vat_rate", "21"),
                            ("stock", "3"),
                            ("active", "on"),
                        ],
                    )
                    .await
            })
        })
        .collect();
    let mut answers = Vec::new();
    for save in saves {
        answers.push(save.await.unwrap());
    }
    let mut created = 0;
    for answer in &answers {
        match answer.status {
            StatusCode::OK => created += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert!(answer.body.contains("SlugTaken"), "{}", answer.body);
            }
            other => panic!("{other}: {}", answer.body),
        }
    }
    assert_eq!(created, 1, "one save wins");
    let rows = app::ssr::entities::product::Entity::find()
        .filter(app::ssr::entities::product::Column::Slug.eq("snijplank-race"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    app.finish().await;
}
