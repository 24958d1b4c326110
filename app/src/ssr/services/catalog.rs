//! Reading the catalogue.

use crate::error::AppError;
use crate::shop::models::{Catalog, CategoryView, ProductCard, ProductDetail};
use crate::ssr::entities::{category, product};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
};

/// The longest search text we act on.
pub const MAX_QUERY_LEN: usize = 100;

fn category_view(c: category::Model) -> CategoryView {
    CategoryView {
        id: c.id,
        name: c.name,
        slug: c.slug,
    }
}

fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + 2);
    for ch in text.chars() {
        if matches!(ch, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(ch);
    }
    escaped
}

/// A LIKE pattern matching values that start with `text` (can use an index).
pub fn prefix_pattern(text: &str) -> LikeExpr {
    LikeExpr::new(format!("{}%", escape_like(text))).escape('\\')
}

/// A LIKE pattern matching `text` anywhere, with `%`, `_` and `\` taken
/// literally.
pub fn contains_pattern(text: &str) -> LikeExpr {
    LikeExpr::new(format!("%{}%", escape_like(text))).escape('\\')
}

/// Active products, optionally within one category and matching a search in
/// name or description.
pub async fn catalog(
    db: &impl ConnectionTrait,
    query: Option<&str>,
    category_slug: Option<&str>,
) -> Result<Catalog, AppError> {
    let categories = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?;
    let chosen = match category_slug.map(str::trim).filter(|s| !s.is_empty()) {
        Some(slug) => Some(
            categories
                .iter()
                .find(|c| c.slug == slug)
                .cloned()
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };

    let mut select = product::Entity::find().filter(product::Column::Active.eq(true));
    if let Some(c) = &chosen {
        select = select.filter(product::Column::CategoryId.eq(c.id));
    }
    let query: String = query
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY_LEN)
        .collect();
    if !query.is_empty() {
        select = select.filter(
            Condition::any()
                .add(Expr::col(product::Column::Name).like(contains_pattern(&query)))
                .add(Expr::col(product::Column::Description).like(contains_pattern(&query))),
        );
    }
    let products = select
        .order_by_asc(product::Column::CategoryId)
        .order_by_asc(product::Column::Name)
        .all(db)
        .await?;

    Ok(Catalog {
        categories: categories.into_iter().map(category_view).collect(),
        products: products
            .into_iter()
            .map(|p| ProductCard {
                id: p.id,
                name: p.name,
                slug: p.slug,
                price_cents: p.price_cents,
                image: p.image,
                in_stock: p.stock > 0,
            })
            .collect(),
        category: chosen.map(category_view),
    })
}

/// One active product by its slug.
pub async fn product_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
) -> Result<ProductDetail, AppError> {
    let (p, c) = product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Active.eq(true))
        .find_also_related(category::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = c.ok_or(AppError::NotFound)?;
    Ok(ProductDetail {
        id: p.id,
        name: p.name,
        slug: p.slug,
        description: p.description,
        price_cents: p.price_cents,
        vat_rate_bp: p.vat_rate_bp,
        stock: p.stock,
        image: p.image,
        category: category_view(c),
    })
}
