//! Content pages (about, delivery terms, ...) written in the CMS, and the
//! privacy statement generated from the live settings.

use crate::error::AppError;
use crate::locale::{Locale, Written};
use crate::ui::ErrorMessage;
use chrono::NaiveDateTime;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use serde::{Deserialize, Serialize};

/// Paths the shop itself uses; no page may take them.
pub const RESERVED_SLUGS: [&str; 19] = [
    "products",
    "cart",
    "checkout",
    "orders",
    "account",
    "cms",
    "api",
    "uploads",
    "pkg",
    "healthz",
    "privacy",
    "contact",
    "newsletter",
    "bookings",
    "login",
    "register",
    "logout",
    "metrics",
    // The English pages (`locale`).
    "en",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageView {
    pub slug: String,
    pub title: Written,
    /// Sanitised on the server (see `ssr::markdown`).
    pub html: Written,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageAdminRow {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub published: bool,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PageEdit {
    pub id: i32,
    pub slug: String,
    pub title: String,
    pub body_markdown: String,
    /// The English version, where written.
    pub title_en: Option<String>,
    pub body_markdown_en: Option<String>,
    pub published: bool,
}

/// A published page, its texts in the page's `locale` (an argument: a
/// cached page and a refetch ask the same).
#[server(endpoint = "get_page")]
pub async fn get_page(
    slug: String,
    #[server(default)] locale: Locale,
) -> Result<PageView, AppError> {
    crate::ssr::services::pages::published(&crate::ssr::db()?, &slug, locale).await
}

/// The live settings the privacy statement is made from.
#[server(endpoint = "get_privacy")]
pub async fn get_privacy() -> Result<crate::cms::models::ShopSettings, AppError> {
    crate::ssr::services::settings::load(&crate::ssr::db()?).await
}

#[component]
pub fn ContentPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let locale = Locale::current();
    let page = Resource::new(
        move || (slug(), locale),
        |(slug, locale)| get_page(slug, locale),
    );
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let (title_lang, body_lang) = (p.title.lang_attr(locale), p.html.lang_attr(locale));
                        view! {
                            <Title text=p.title.text.clone()/>
                            <article class="content-page">
                                <h1 lang=title_lang>{p.title.text}</h1>
                                <div class="content" lang=body_lang inner_html=p.html.text></div>
                            </article>
                        }.into_any()
                    }
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The privacy statement, generated from what the code actually does and
/// the shop's live settings (retention term, backups kept). Its text, in
/// both languages, is in `privacy::text`.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    use crate::privacy::text as privacy;
    let locale = crate::locale::Locale::current();
    let t = privacy::text_in(locale);
    let settings = Resource::new(|| (), |_| get_privacy());
    view! {
        <Title text=t.title/>
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(s) => view! {
                        <article class="content-page privacy">
                            <h1>{privacy::heading(locale, &s.shop_name)}</h1>
                            <p>{t.intro}</p>
                            <p class="controller">{privacy::controller(locale, &s.shop_name, &s.identity)}</p>
                            <h2>{t.kept_title}</h2>
                            <p>{t.kept}</p>
                            <h2>{t.purposes_title}</h2>
                            <dl class="purposes">
                                {t.purposes.iter().map(|(what, why)| view! { <dt>{*what}</dt><dd>{*why}</dd> }).collect_view()}
                            </dl>
                            <h2>{t.never_title}</h2>
                            <p>{t.never}</p>
                            <h2>{t.how_long_title}</h2>
                            <p class="retention">{privacy::retention(locale, s.retention_years)}</p>
                            <p class="backups">{privacy::backups(locale, s.backups_keep)}</p>
                            <h2>{t.rights_title}</h2>
                            <p>{t.rights}</p>
                            <p>{t.all_rights}</p>
                            <p class="privacy-request-link">
                                <a href=crate::locale::page_href("/privacy/request")>
                                    {crate::privacy::request_text::text_in(locale).statement_link}
                                </a>
                            </p>
                            <p class="complaint">{t.complaint}</p>
                            {(!s.contact_email.is_empty()).then(|| view! { <p>{t.questions_before} <a href=format!("mailto:{}", s.contact_email)>{s.contact_email.clone()}</a> {t.questions_after}</p> })}
                        </article>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
