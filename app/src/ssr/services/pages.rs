//! Content pages: Markdown kept as written, served as sanitised HTML.

use crate::content::{PageAdminRow, PageEdit, PageView, RESERVED_SLUGS};
use crate::error::AppError;
use crate::ssr::entities::page;
use crate::ssr::markdown::to_safe_html;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::NaiveDateTime;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

pub async fn published(db: &impl ConnectionTrait, slug: &str) -> Result<PageView, AppError> {
    let row = page::Entity::find()
        .filter(page::Column::Slug.eq(slug))
        .filter(page::Column::Published.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PageView {
        slug: row.slug,
        title: row.title,
        html: to_safe_html(&row.body_markdown),
        updated_at: row.updated_at,
    })
}

pub async fn list(db: &impl ConnectionTrait) -> Result<Vec<PageAdminRow>, AppError> {
    Ok(page::Entity::find()
        .order_by_asc(page::Column::Slug)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PageAdminRow {
            id: p.id,
            slug: p.slug,
            title: p.title,
            published: p.published,
            updated_at: p.updated_at,
        })
        .collect())
}

pub async fn get(db: &impl ConnectionTrait, id: i32) -> Result<PageEdit, AppError> {
    let p = page::Entity::find_by_id(id)
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(PageEdit {
        id: p.id,
        slug: p.slug,
        title: p.title,
        body_markdown: p.body_markdown,
        published: p.published,
    })
}

pub async fn save(
    db: &impl ConnectionTrait,
    id: Option<i32>,
    slug: &str,
    title: &str,
    body: &str,
    published: Option<&str>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let published = v::checkbox(published);
    let mut errors = FieldErrors::default();
    let title = errors.check("title", v::required_text(title, 200));
    let slug_text = if slug.trim().is_empty() {
        title.as_deref().map(v::slugify).unwrap_or_default()
    } else {
        slug.trim().to_owned()
    };
    let slug = errors.check("slug", v::slug(&slug_text));
    if let Some(slug) = &slug {
        let taken = page::Entity::find()
            .filter(page::Column::Slug.eq(slug))
            .one(db)
            .await?
            .is_some_and(|p| Some(p.id) != id);
        if taken || RESERVED_SLUGS.contains(&slug.as_str()) {
            errors.add("slug", FieldError::SlugTaken);
        }
    }
    if body.chars().count() > 100_000 {
        errors.add("body_markdown", FieldError::TooLong { max: 100_000 });
    }
    let (Some(title), Some(slug)) = (title, slug) else {
        return Err(AppError::Validation(errors));
    };
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    let mut row: page::ActiveModel = match id {
        Some(id) => page::Entity::find_by_id(id)
            .one(db)
            .await?
            .ok_or(AppError::NotFound)?
            .into(),
        None => <page::ActiveModel as Default>::default(),
    };
    row.slug = Set(slug);
    row.title = Set(title);
    row.body_markdown = Set(body.to_owned());
    row.published = Set(published);
    row.updated_at = Set(now);
    let saved = match id {
        Some(_) => row.update(db).await?,
        None => row.insert(db).await?,
    };
    Ok(saved.id)
}

pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), AppError> {
    if page::Entity::delete_by_id(id).exec(db).await?.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}
