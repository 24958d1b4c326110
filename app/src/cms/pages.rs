//! Content pages: the list, and one page to write, publish or delete.

use super::api::{cms_page, cms_pages, CmsDeletePage, CmsSavePage};
use super::text::text;
use crate::content::PageEdit;
use crate::forms::{field_errors, Field};
use crate::ui::{date, id_param, loaded, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::A;

#[component]
pub fn CmsPagesPage() -> impl IntoView {
    let t = text();
    let pages = Resource::new(|| (), |_| cms_pages());
    view! {
        <h1>{t.pages}</h1>
        <p>{t.pages_intro} " " <A href="/privacy">"/privacy"</A></p>
        <p><A href="/cms/pages/new" attr:class="button">{t.new_page}</A></p>
        {loaded(Wait::Suspense, pages, move |list| view! {
            <table class="cms-pages">
                <thead><tr><th>{t.page_title}</th><th>{t.slug}</th><th>{t.active}</th><th>{t.updated}</th></tr></thead>
                <tbody>
                    {list.into_iter().map(|p| view! {
                        <tr>
                            <td><A href=format!("/cms/pages/{}", p.id)>{p.title}</A></td>
                            <td><A href=format!("/{}", p.slug)>{format!("/{}", p.slug)}</A></td>
                            <td>{if p.published { t.yes } else { t.no }}</td>
                            <td>{date(p.updated_at)}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        })}
    }
}

#[component]
fn PageForm(page: Option<PageEdit>) -> impl IntoView {
    let t = text();
    let save = ServerAction::<CmsSavePage>::new();
    let delete = ServerAction::<CmsDeletePage>::new();
    let server = field_errors(save);
    let p = page.clone();
    view! {
        <h1>{p.as_ref().map_or(t.new_page.to_owned(), |p| p.title.clone())}</h1>
        {move || save.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=save attr:class="cms-page" attr:novalidate=true>
            {p.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id/> })}
            <Field name="title" label=t.page_title required=true value=p.as_ref().map(|p| p.title.clone()).unwrap_or_default() server/>
            <Field name="slug" label=t.slug hint=t.slug_hint value=p.as_ref().map(|p| p.slug.clone()).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.body}</span>
                <textarea name="body_markdown" rows="16">{p.as_ref().map(|p| p.body_markdown.clone()).unwrap_or_default()}</textarea>
                <small class="hint">{t.body_hint}</small>
            </label>
            <Field name="title_en" label=t.page_title_en hint=t.english_hint value=p.as_ref().and_then(|p| p.title_en.clone()).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.body_en}</span>
                <textarea name="body_markdown_en" rows="16" lang="en">{p.as_ref().and_then(|p| p.body_markdown_en.clone()).unwrap_or_default()}</textarea>
                <small class="hint">{t.english_hint}</small>
            </label>
            <label class="checkbox">
                <input type="checkbox" name="published" value="on" checked=p.as_ref().is_none_or(|p| p.published)/>
                {t.active_hint}
            </label>
            <button type="submit">{t.save}</button>
        </ActionForm>
        {page.map(|p| view! {
            <p><A href=format!("/{}", p.slug)>{t.view_page}</A></p>
            <ActionForm action=delete attr:class="inline">
                <input type="hidden" name="id" value=p.id/>
                <button type="submit" class="danger">{t.delete}</button>
            </ActionForm>
        })}
        <p><A href="/cms/pages">{t.pages}</A></p>
    }
}

#[component]
pub fn CmsPagePage() -> impl IntoView {
    let id = id_param();
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => cms_page(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        {loaded(Wait::Suspense, page, |p| view! { <PageForm page=p/> })}
    }
}
