//! Reading the catalogue.
//!
//! The catalogue is the same for every visitor, so within a request (the
//! shop's `AppState` in context) it is read from a snapshot of all
//! categories and active products kept next to the anonymous pages
//! ([`PageCache::catalogue`](crate::ssr::page_cache::PageCache::catalogue)):
//! two queries every few seconds instead of two per page, for visitors with
//! a session too. Whatever clears the page cache (a CMS change, an order)
//! drops the snapshot with it, and its short lifetime bounds what another
//! instance's change takes to show. Searches and anything the snapshot does
//! not hold (more than [`MAX_SNAPSHOT_PRODUCTS`] products, a slug it does
//! not know) go to the database as before.

use crate::error::AppError;
use crate::locale::{Locale, Written};
use crate::shop::models::{Catalog, CategoryView, ProductCard, ProductDetail};
use crate::ssr::entities::{category, product};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{
    ColumnTrait, Condition, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder,
    QuerySelect,
};
use std::collections::HashMap;
use std::sync::Arc;

/// A shop with more active products than this is not held in memory.
pub const MAX_SNAPSHOT_PRODUCTS: usize = 5_000;

/// All categories and active products, in the order the catalogue shows
/// them (the database's, so that its collation decides as before).
#[derive(Debug, Default)]
pub struct Snapshot {
    categories: Vec<category::Model>,
    products: Vec<product::Model>,
    by_id: HashMap<i32, usize>,
    by_slug: HashMap<String, usize>,
}

impl Snapshot {
    /// Reads it; `None` when the shop has too many products to hold.
    pub async fn load(db: &impl ConnectionTrait) -> Result<Option<Self>, AppError> {
        let categories = category::Entity::find()
            .order_by_asc(category::Column::Position)
            .order_by_asc(category::Column::Name)
            .all(db)
            .await?;
        let products = product::Entity::find()
            .filter(product::Column::Active.eq(true))
            .order_by_asc(product::Column::CategoryId)
            .order_by_asc(product::Column::Name)
            .limit(u64::try_from(MAX_SNAPSHOT_PRODUCTS + 1).unwrap_or(u64::MAX))
            .all(db)
            .await?;
        if products.len() > MAX_SNAPSHOT_PRODUCTS {
            return Ok(None);
        }
        let by_id = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id, i))
            .collect();
        let by_slug = products
            .iter()
            .enumerate()
            .map(|(i, p)| (p.slug.clone(), i))
            .collect();
        Ok(Some(Self {
            categories,
            products,
            by_id,
            by_slug,
        }))
    }

    /// An active product by id.
    pub fn product(&self, id: i32) -> Option<&product::Model> {
        self.by_id.get(&id).and_then(|&i| self.products.get(i))
    }

    fn category(&self, id: i32) -> Option<&category::Model> {
        self.categories.iter().find(|c| c.id == id)
    }
}

/// The catalogue snapshot of the request's shop, loaded when the cached one
/// is missing or old; `None` outside a request or for a very large shop.
pub async fn snapshot(db: &impl ConnectionTrait) -> Result<Option<Arc<Snapshot>>, AppError> {
    let Some(cache) = crate::shared_part::page_cache() else {
        return Ok(None);
    };
    snapshot_in(&cache, db).await
}

/// `snapshot` from the page cache at hand, for a caller outside a
/// render's context.
pub async fn snapshot_in(
    cache: &crate::ssr::page_cache::PageCache,
    db: &impl ConnectionTrait,
) -> Result<Option<Arc<Snapshot>>, AppError> {
    if let Some(held) = cache.catalogue() {
        return Ok(held);
    }
    // Taken before reading: a change cleared meanwhile is not stored over.
    let generation = cache.generation();
    let loaded = Snapshot::load(db).await?.map(Arc::new);
    cache.put_catalogue(generation, loaded.clone());
    Ok(loaded)
}

/// A product's name in `locale`: English where written, else Dutch.
pub fn product_name(p: &product::Model, locale: Locale) -> Written {
    Written::pick(locale, p.name.clone(), p.name_en.clone())
}

fn card(p: &product::Model, locale: Locale) -> ProductCard {
    ProductCard {
        id: p.id,
        name: product_name(p, locale),
        slug: p.slug.clone(),
        price_cents: p.price_cents,
        image: p.image.clone(),
        in_stock: p.stock > 0,
    }
}

fn category_ref(c: &category::Model, locale: Locale) -> CategoryView {
    CategoryView {
        id: c.id,
        name: Written::pick(locale, c.name.clone(), c.name_en.clone()),
        slug: c.slug.clone(),
    }
}

fn detail(p: &product::Model, c: &category::Model, locale: Locale) -> ProductDetail {
    ProductDetail {
        id: p.id,
        name: product_name(p, locale),
        slug: p.slug.clone(),
        description: Written::pick(locale, p.description.clone(), p.description_en.clone()),
        price_cents: p.price_cents,
        vat_rate_bp: p.vat_rate_bp,
        stock: p.stock,
        image: p.image.clone(),
        category: category_ref(c, locale),
    }
}

/// The longest search text we act on.
pub const MAX_QUERY_LEN: usize = 100;

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
/// name or description (Dutch or English: a visitor may type either), with
/// their names in `locale`.
pub async fn catalog(
    db: &impl ConnectionTrait,
    query: Option<&str>,
    category_slug: Option<&str>,
    locale: Locale,
) -> Result<Catalog, AppError> {
    let query: String = query
        .unwrap_or_default()
        .trim()
        .chars()
        .take(MAX_QUERY_LEN)
        .collect();
    let category_slug = category_slug.map(str::trim).filter(|s| !s.is_empty());
    if query.is_empty() {
        if let Some(snapshot) = snapshot(db).await? {
            let chosen = match category_slug {
                Some(slug) => Some(
                    snapshot
                        .categories
                        .iter()
                        .find(|c| c.slug == slug)
                        .ok_or(AppError::NotFound)?,
                ),
                None => None,
            };
            return Ok(Catalog {
                categories: snapshot
                    .categories
                    .iter()
                    .map(|c| category_ref(c, locale))
                    .collect(),
                products: snapshot
                    .products
                    .iter()
                    .filter(|p| chosen.is_none_or(|c| p.category_id == c.id))
                    .map(|p| card(p, locale))
                    .collect(),
                category: chosen.map(|c| category_ref(c, locale)),
            });
        }
    }
    let categories = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .order_by_asc(category::Column::Name)
        .all(db)
        .await?;
    let chosen = match category_slug {
        Some(slug) => Some(
            categories
                .iter()
                .find(|c| c.slug == slug)
                .ok_or(AppError::NotFound)?,
        ),
        None => None,
    };

    let mut select = product::Entity::find().filter(product::Column::Active.eq(true));
    if let Some(c) = &chosen {
        select = select.filter(product::Column::CategoryId.eq(c.id));
    }
    if !query.is_empty() {
        let mut any = Condition::any();
        for column in [
            product::Column::Name,
            product::Column::Description,
            product::Column::NameEn,
            product::Column::DescriptionEn,
        ] {
            any = any.add(Expr::col(column).like(contains_pattern(&query)));
        }
        select = select.filter(any);
    }
    let products = select
        .order_by_asc(product::Column::CategoryId)
        .order_by_asc(product::Column::Name)
        .all(db)
        .await?;

    Ok(Catalog {
        categories: categories.iter().map(|c| category_ref(c, locale)).collect(),
        products: products.iter().map(|p| card(p, locale)).collect(),
        category: chosen.map(|c| category_ref(c, locale)),
    })
}

/// One active product by its slug, its texts in `locale`.
pub async fn product_by_slug(
    db: &impl ConnectionTrait,
    slug: &str,
    locale: Locale,
) -> Result<ProductDetail, AppError> {
    if let Some(snapshot) = snapshot(db).await? {
        let found = snapshot
            .by_slug
            .get(slug)
            .and_then(|&i| snapshot.products.get(i))
            .and_then(|p| Some((p, snapshot.category(p.category_id)?)));
        if let Some((p, c)) = found {
            return Ok(detail(p, c, locale));
        }
        // Unknown here: the database decides (its collation may match a
        // slug written differently), as without the snapshot.
    }
    let (p, c) = product::Entity::find()
        .filter(product::Column::Slug.eq(slug))
        .filter(product::Column::Active.eq(true))
        .find_also_related(category::Entity)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let c = c.ok_or(AppError::NotFound)?;
    Ok(detail(&p, &c, locale))
}
