//! Pages for visitors with a session copy the parts that are everyone's
//! (`app::shared_part`: the catalogue grid, a product's article) and render
//! their own: each still sees their own cart, a copy is byte for byte the
//! render it replaces, and a sale shows at once.

// A failed expectation in a test is the failure we want to see.
#![allow(clippy::expect_used, clippy::unwrap_used)]

use crate::common::{Backend, Client, TestApp};
use crate::shop::{add, product_id, set_stock, valid_checkout};
use axum::http::StatusCode;

on_both_databases!(
    visitors_share_the_grid_not_their_carts,
    a_sale_shows_on_the_next_page_of_every_session,
);

/// The header's item count as the page shows it.
pub fn cart_count(body: &str) -> String {
    body.split(r#"class="cart-count">"#)
        .nth(1)
        .and_then(|rest| rest.split('<').next())
        .unwrap_or_default()
        .to_owned()
}

/// The document a browser shows and hydrates. After `</html>` Leptos
/// appends the data of a resource that was still loading when the page was
/// written (the catalogue read of a render); no storefront island reads
/// it, and a copied part has none.
fn document(page: &str) -> &str {
    page.split("</html>").next().unwrap_or_default()
}

async fn page(client: &mut Client, path: &str) -> String {
    let res = client.get(path).await;
    assert_eq!(res.status, StatusCode::OK, "GET {path}");
    assert!(
        res.headers.get("x-winkel-cache").is_none(),
        "GET {path} with a session came from the anonymous page cache"
    );
    res.body_without_nonce()
}

async fn visitors_share_the_grid_not_their_carts(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut one = app.client();
    let mut three = app.client();
    let beans = product_id(&mut one, "espressobonen-amsterdam").await;
    add(&mut one, beans, "1").await;
    add(&mut three, beans, "3").await;

    for path in [
        "/",
        "/products/espressobonen-amsterdam",
        "/?category=koffie-thee",
        "/en",
    ] {
        // The first render reads the catalogue from the database and keeps
        // the part, the next pages copy it.
        app.state.catalogue_changed().await;
        let rendered = page(&mut one, path).await;
        let copied = page(&mut one, path).await;
        assert_eq!(
            document(&rendered),
            document(&copied),
            "GET {path}: the copy differs from the render"
        );
        let other = page(&mut three, path).await;
        assert_eq!(
            (cart_count(&copied), cart_count(&other)),
            ("1".to_owned(), "3".to_owned()),
            "GET {path}: a visitor saw another's cart"
        );
        assert_eq!(
            document(&copied)
                .replace(r#"class="cart-count">1<"#, r#"class="cart-count">3<"#)
                .replace(r#"{&quot;count&quot;:1}"#, r#"{&quot;count&quot;:3}"#),
            document(&other),
            "GET {path}: two carts, and the pages differ beyond the count"
        );
    }
    // The copied product page keeps its title.
    let product = page(&mut three, "/products/espressobonen-amsterdam").await;
    assert!(
        product.contains("<title>Espressobonen Amsterdam"),
        "no product title in the copy"
    );
    // A search is not shared: its results are its own.
    let search = page(&mut one, "/?q=scheerkwast").await;
    assert!(
        !search.contains("/products/espressobonen-amsterdam\""),
        "a search shows the whole grid"
    );
    app.finish().await;
}

async fn a_sale_shows_on_the_next_page_of_every_session(backend: Backend) {
    let Some(app) = TestApp::start(backend).await else {
        return;
    };
    let mut watcher = app.client();
    let mut buyer = app.client();
    let beans = product_id(&mut watcher, "espressobonen-amsterdam").await;
    let brush = product_id(&mut buyer, "scheerkwast").await;
    set_stock(&app, brush, 1).await;
    app.state.catalogue_changed().await;
    add(&mut watcher, beans, "1").await;
    let before = page(&mut watcher, "/products/scheerkwast").await;
    assert!(!before.contains("Uitverkocht"), "on sale before the sale");
    page(&mut watcher, "/").await;

    add(&mut buyer, brush, "1").await;
    assert_eq!(
        buyer.call("place_order", &valid_checkout()).await.status,
        StatusCode::OK
    );

    let product = page(&mut watcher, "/products/scheerkwast").await;
    assert!(
        product.contains("Uitverkocht"),
        "the product page still offers the sold-out product"
    );
    let grid = page(&mut watcher, "/").await;
    // The card's link, then its picture (`/uploads/products/…`), then its button.
    let card = grid
        .split("/products/scheerkwast")
        .nth(2)
        .unwrap_or_default();
    assert!(
        card.contains("Uitverkocht"),
        "the grid still offers the sold-out product"
    );
    app.finish().await;
}
