//! Content pages: Markdown kept as written, served as sanitised HTML.

use crate::content::{PageAdminRow, PageEdit, PageView, RESERVED_SLUGS};
use crate::error::AppError;
use crate::locale::{Locale, Written};
use crate::ssr::entities::page;
use crate::ssr::markdown::to_safe_html;
use crate::validate::{self as v, FieldError, FieldErrors};
use chrono::NaiveDateTime;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter,
    QueryOrder,
};

/// A published page, its title and text in `locale` (each English where
/// written, else Dutch).
pub async fn published(
    db: &impl ConnectionTrait,
    slug: &str,
    locale: Locale,
) -> Result<PageView, AppError> {
    let row = page::Entity::find()
        .filter(page::Column::Slug.eq(slug))
        .filter(page::Column::Published.eq(true))
        .one(db)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = Written::pick(locale, row.body_markdown, row.body_markdown_en);
    Ok(PageView {
        slug: row.slug,
        title: Written::pick(locale, row.title, row.title_en),
        html: Written {
            text: to_safe_html(&body.text),
            lang: body.lang,
        },
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
        title_en: p.title_en,
        body_markdown_en: p.body_markdown_en,
        published: p.published,
    })
}

/// The longest page text (Markdown), in either language.
const MAX_BODY: usize = 100_000;

/// A page as the form posts it.
pub struct PageForm<'a> {
    pub slug: &'a str,
    pub title: &'a str,
    pub body: &'a str,
    /// The English version: optional, blank is none.
    pub title_en: Option<&'a str>,
    pub body_en: Option<&'a str>,
    pub published: Option<&'a str>,
}

/// An optional English page text: blank is none, else at most `MAX_BODY`.
fn english_body(body: Option<&str>) -> Result<Option<String>, FieldError> {
    match body.filter(|b| !b.trim().is_empty()) {
        None => Ok(None),
        Some(b) if b.chars().count() > MAX_BODY => Err(FieldError::TooLong { max: MAX_BODY }),
        Some(b) => Ok(Some(b.to_owned())),
    }
}

pub async fn save(
    db: &impl ConnectionTrait,
    id: Option<i32>,
    form: &PageForm<'_>,
    now: NaiveDateTime,
) -> Result<i32, AppError> {
    let PageForm {
        slug,
        title,
        body,
        title_en,
        body_en,
        published,
    } = *form;
    let published = v::checkbox(published);
    let mut errors = FieldErrors::default();
    let title = errors.check("title", v::required_text(title, 200));
    let title_en = errors.check("title_en", v::optional_text(title_en, 200));
    let body_en = errors.check("body_markdown_en", english_body(body_en));
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
    if body.chars().count() > MAX_BODY {
        errors.add("body_markdown", FieldError::TooLong { max: MAX_BODY });
    }
    let (Some(title), Some(slug), Some(title_en), Some(body_en), true) =
        (title, slug, title_en, body_en, errors.is_empty())
    else {
        return Err(AppError::Validation(errors));
    };
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
    row.title_en = Set(title_en);
    row.body_markdown_en = Set(body_en);
    row.published = Set(published);
    row.updated_at = Set(now);
    let saved = match id {
        Some(_) => row.update(db).await,
        None => row.insert(db).await,
    }
    .map_err(AppError::slug_taken_or)?;
    Ok(saved.id)
}

pub async fn delete(db: &impl ConnectionTrait, id: i32) -> Result<(), AppError> {
    if page::Entity::delete_by_id(id).exec(db).await?.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_english_text_is_optional_and_limited_like_the_dutch_one() {
        assert_eq!(english_body(None), Ok(None));
        assert_eq!(english_body(Some(" \n ")), Ok(None));
        assert_eq!(
            english_body(Some("# About us\n")),
            Ok(Some("# About us\n".to_owned()))
        );
        let long = "x".repeat(MAX_BODY + 1);
        assert_eq!(
            english_body(Some(&long)),
            Err(FieldError::TooLong { max: MAX_BODY })
        );
    }
}
