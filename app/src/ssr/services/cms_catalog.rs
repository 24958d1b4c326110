//! The catalogue in the CMS: products and categories, product pictures.
//! Every change drops the cached shop pages, which show the catalogue.

use crate::cms::models::{CatalogAdmin, CatalogCategory, CatalogProduct, ProductInput};
use crate::cms::rules::{image_extension, parse_price, parse_vat_rate, MAX_IMAGE_BYTES};
use crate::error::AppError;
use crate::ssr::entities::{category, product};
use crate::ssr::random_token;
use crate::ssr::AppState;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::NaiveDateTime;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};

fn product_view(p: product::Model) -> CatalogProduct {
    CatalogProduct {
        id: p.id,
        category_id: p.category_id,
        name: p.name,
        slug: p.slug,
        description: p.description,
        name_en: p.name_en,
        description_en: p.description_en,
        price_cents: p.price_cents,
        vat_rate_bp: p.vat_rate_bp,
        stock: p.stock,
        stock_alert: p.stock_alert,
        image: p.image,
        active: p.active,
    }
}

pub async fn admin(db: &impl ConnectionTrait) -> Result<CatalogAdmin, AppError> {
    let categories = category::Entity::find()
        .order_by_asc(category::Column::Position)
        .all(db)
        .await?;
    let products = product::Entity::find()
        .order_by_asc(product::Column::Name)
        .all(db)
        .await?;
    Ok(CatalogAdmin {
        categories: categories
            .into_iter()
            .map(|c| CatalogCategory {
                products: products.iter().filter(|p| p.category_id == c.id).count() as u64,
                id: c.id,
                name: c.name,
                name_en: c.name_en,
                slug: c.slug,
                position: c.position,
            })
            .collect(),
        products: products.into_iter().map(product_view).collect(),
    })
}

fn text(value: &Option<String>) -> &str {
    value.as_deref().unwrap_or_default()
}

/// Creates (`id` None) or updates a product after checking every field.
pub async fn save_product(
    state: &AppState,
    id: Option<i32>,
    input: &ProductInput,
    now: NaiveDateTime,
) -> Result<CatalogProduct, AppError> {
    let db = &state.db;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", v::required_text(text(&input.name), 150));
    let category_id = text(&input.category_id).trim().parse::<i32>().ok();
    let category_ok = match category_id {
        Some(cid) => category::Entity::find_by_id(cid).one(db).await?.is_some(),
        None => false,
    };
    if !category_ok {
        errors.add("category_id", FieldError::Required);
    }
    let slug_text = match text(&input.slug).trim() {
        "" => name.as_deref().map(v::slugify).unwrap_or_default(),
        typed => typed.to_owned(),
    };
    let slug = errors.check("slug", v::slug(&slug_text));
    if let Some(slug) = &slug {
        let taken = product::Entity::find()
            .filter(product::Column::Slug.eq(slug))
            .one(db)
            .await?;
        if taken.is_some_and(|p| Some(p.id) != id) {
            errors.add("slug", FieldError::SlugTaken);
        }
    }
    let description = errors.check(
        "description",
        v::optional_text(input.description.as_deref(), 5000),
    );
    // English is optional: blank is none, else the Dutch limits.
    let name_en = errors.check("name_en", v::optional_text(input.name_en.as_deref(), 150));
    let description_en = errors.check(
        "description_en",
        v::optional_text(input.description_en.as_deref(), 5000),
    );
    let price = errors.check(
        "price",
        parse_price(text(&input.price)).ok_or(FieldError::Price),
    );
    let vat = errors.check(
        "vat_rate",
        parse_vat_rate(text(&input.vat_rate)).ok_or(FieldError::VatRate),
    );
    let stock = errors.check(
        "stock",
        text(&input.stock)
            .trim()
            .parse::<i32>()
            .ok()
            .filter(|s| (0..=1_000_000).contains(s))
            .ok_or(FieldError::Number {
                min: 0,
                max: 1_000_000,
            }),
    );
    // Blank: no alert.
    let stock_alert = errors.check(
        "stock_alert",
        match text(&input.stock_alert).trim() {
            "" => Ok(None),
            typed => typed
                .parse::<i32>()
                .ok()
                .filter(|n| (0..=super::stock_alerts::MAX_THRESHOLD).contains(n))
                .map(Some)
                .ok_or(FieldError::Number {
                    min: 0,
                    max: super::stock_alerts::MAX_THRESHOLD.unsigned_abs(),
                }),
        },
    );
    let (
        Some(name),
        Some(category_id),
        Some(slug),
        Some(description),
        Some(price),
        Some(vat),
        Some(stock),
    ) = (name, category_id, slug, description, price, vat, stock)
    else {
        return Err(AppError::Validation(errors));
    };
    let (Some(name_en), Some(description_en), Some(stock_alert), true) =
        (name_en, description_en, stock_alert, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let mut row = match id {
        Some(id) => product::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?
            .into(),
        None => product::ActiveModel {
            image: Set(None),
            created_at: Set(now),
            ..Default::default()
        },
    };
    row.category_id = Set(category_id);
    row.name = Set(name);
    row.slug = Set(slug);
    row.description = Set(description.unwrap_or_default());
    row.name_en = Set(name_en);
    row.description_en = Set(description_en);
    row.price_cents = Set(price);
    row.vat_rate_bp = Set(vat);
    row.stock = Set(stock);
    row.stock_alert = Set(stock_alert);
    row.active = Set(v::checkbox(input.active.as_deref()));
    let saved = match id {
        Some(_) => row.update(db).await,
        None => row.insert(db).await,
    }
    .map_err(AppError::slug_taken_or)?;
    state.catalogue_changed().await;
    Ok(product_view(saved))
}

/// Deletes a product; order lines keep their own copy of name and price.
pub async fn delete_product(state: &AppState, id: i32) -> Result<(), AppError> {
    let db = &state.db;
    let deleted = product::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    state.catalogue_changed().await;
    Ok(())
}

/// Creates (`id` None) or updates a category; `name_en` is optional
/// (blank is none).
pub async fn save_category(
    state: &AppState,
    id: Option<i32>,
    name: &str,
    name_en: Option<&str>,
    slug: &str,
    position: &str,
) -> Result<(), AppError> {
    let db = &state.db;
    let mut errors = FieldErrors::default();
    let name = errors.check("name", v::required_text(name, 100));
    let name_en = errors.check("name_en", v::optional_text(name_en, 100));
    let slug_text = if slug.trim().is_empty() {
        name.as_deref().map(v::slugify).unwrap_or_default()
    } else {
        slug.trim().to_owned()
    };
    let slug = errors.check("slug", v::slug(&slug_text));
    if let Some(slug) = &slug {
        let taken = category::Entity::find()
            .filter(category::Column::Slug.eq(slug))
            .one(db)
            .await?;
        if taken.is_some_and(|c| Some(c.id) != id) {
            errors.add("slug", FieldError::SlugTaken);
        }
    }
    let position = match position.trim() {
        "" => Some(0),
        p => errors.check(
            "position",
            p.parse::<i32>()
                .ok()
                .filter(|p| (0..=1000).contains(p))
                .ok_or(FieldError::Number { min: 0, max: 1000 }),
        ),
    };
    let (Some(name), Some(name_en), Some(slug), Some(position), true) =
        (name, name_en, slug, position, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
    let mut row: category::ActiveModel = match id {
        Some(id) => category::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?
            .into(),
        None => <category::ActiveModel as Default>::default(),
    };
    row.name = Set(name);
    row.name_en = Set(name_en);
    row.slug = Set(slug);
    row.position = Set(position);
    match id {
        Some(_) => row.update(db).await,
        None => row.insert(db).await,
    }
    .map_err(AppError::slug_taken_or)?;
    state.catalogue_changed().await;
    Ok(())
}

/// Deletes an empty category; one with products is refused.
pub async fn delete_category(state: &AppState, id: i32) -> Result<(), AppError> {
    let db = &state.db;
    if product::Entity::find()
        .filter(product::Column::CategoryId.eq(id))
        .count(db)
        .await?
        > 0
    {
        return Err(AppError::field("id", FieldError::CategoryNotEmpty));
    }
    let deleted = category::Entity::delete_by_id(id).exec(db).await?;
    if deleted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    state.catalogue_changed().await;
    Ok(())
}

/// Stores a product picture in the uploads folder (never in the database)
/// after checking its type by content and its size; replaces the old one.
pub async fn set_image(state: &AppState, id: i32, bytes: &[u8]) -> Result<String, AppError> {
    let db = &state.db;
    let uploads_dir = state.config.uploads_dir.as_path();
    let invalid = |error| AppError::field("image", error);
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(invalid(FieldError::ImageTooLarge));
    }
    let extension = image_extension(bytes).ok_or_else(|| invalid(FieldError::ImageType))?;
    let row = product::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let token = random_token()?;
    let file = format!("{}-{}.{extension}", row.slug, &token[..8]);
    let dir = uploads_dir.join("products");
    tokio::fs::create_dir_all(&dir).await.map_err(|e| {
        tracing::error!(error = %e, "cannot create the uploads folder");
        AppError::Internal
    })?;
    tokio::fs::write(dir.join(&file), bytes)
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "cannot store an upload");
            AppError::Internal
        })?;
    let old = row.image.clone();
    let url = format!("/uploads/products/{file}");
    let mut update: product::ActiveModel = row.into();
    update.image = Set(Some(url.clone()));
    update.update(db).await?;
    // Only our own files are ever removed.
    if let Some(old_name) = old
        .as_deref()
        .and_then(|o| o.strip_prefix("/uploads/products/"))
    {
        if !old_name.contains('/') && !old_name.contains("..") {
            let _ = tokio::fs::remove_file(dir.join(old_name)).await;
        }
    }
    state.catalogue_changed().await;
    Ok(url)
}
