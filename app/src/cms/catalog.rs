//! The catalogue: categories (edited in place) and products, each on a
//! screen of its own with its picture.

use super::api::{
    cms_catalog, CmsDeleteCategory, CmsDeleteProduct, CmsSaveCategory, CmsSaveProduct,
};
use super::models::{CatalogAdmin, CatalogProduct};
use super::rules::VAT_RATES_BP;
use super::text::text;
use crate::forms::{field_errors, Field};
use crate::i18n::{self, price};
use crate::layout::NotFound;
use crate::ui::{id_param, loaded, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CmsCatalogPage() -> impl IntoView {
    let t = text();
    let save = ServerAction::<CmsSaveCategory>::new();
    let delete = ServerAction::<CmsDeleteCategory>::new();
    let catalog = Resource::new(
        move || (save.version().get(), delete.version().get()),
        |_| cms_catalog(),
    );
    let failure = move || {
        [save.value().get(), delete.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| {
                let message = e
                    .fields()
                    .and_then(|f| f.0.first())
                    .map(|f| i18n::field_message(&f.error))
                    .unwrap_or_else(|| e.user_message());
                view! { <p class="error" role="alert">{message}</p> }
            })
    };
    view! {
        <h1>{t.catalog}</h1>
        {failure}
        {loaded(Wait::Transition, catalog, move |c| {
            let names = c.categories.clone();
            view! {
                <h2>{t.categories}</h2>
                <table class="cms-categories">
                    <thead><tr><th>{t.name}</th><th>{t.slug}</th><th>{t.position}</th><th>{t.products}</th><th></th></tr></thead>
                    <tbody>
                        {c.categories.into_iter().map(|cat| view! {
                            <tr>
                                <td colspan="3">
                                    <ActionForm action=save attr:class="inline category-form">
                                        <input type="hidden" name="id" value=cat.id/>
                                        <input type="text" name="name" value=cat.name.clone() aria-label=t.name/>
                                        <input type="text" name="name_en" value=cat.name_en.clone().unwrap_or_default() placeholder=t.name_en aria-label=t.name_en lang="en"/>
                                        <input type="text" name="slug" value=cat.slug.clone() aria-label=t.slug/>
                                        <input type="number" name="position" value=cat.position aria-label=t.position/>
                                        <button type="submit">{t.save}</button>
                                    </ActionForm>
                                </td>
                                <td>{cat.products}</td>
                                <td>
                                    <ActionForm action=delete attr:class="inline">
                                        <input type="hidden" name="id" value=cat.id/>
                                        <button type="submit" class="link">{t.delete}</button>
                                    </ActionForm>
                                </td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <ActionForm action=save attr:class="inline new-category">
                    <input type="text" name="name" placeholder=t.new_category aria-label=t.new_category/>
                    <input type="text" name="name_en" placeholder=t.name_en aria-label=t.name_en lang="en"/>
                    <input type="hidden" name="slug" value=""/>
                    <input type="hidden" name="position" value="99"/>
                    <button type="submit">{t.create}</button>
                </ActionForm>
                <h2>{t.products}</h2>
                <p><A href="/cms/catalog/products/new" attr:class="button">{t.new_product}</A></p>
                <table class="cms-products">
                    <thead><tr><th>{t.name}</th><th>{t.category}</th><th>{crate::shop::text::text().price}</th><th>{t.stock}</th><th>{t.active}</th></tr></thead>
                    <tbody>
                        {c.products.into_iter().map(|p| view! {
                            <tr>
                                <td><A href=format!("/cms/catalog/products/{}", p.id)>{p.name}</A></td>
                                <td>{names.iter().find(|c| c.id == p.category_id).map(|c| c.name.clone()).unwrap_or_default()}</td>
                                <td>{price(p.price_cents)}</td>
                                <td>{p.stock}</td>
                                <td>{if p.active { t.yes } else { t.no }}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
        })}
    }
}

/// Cents as the price field shows them for editing ("12,95").
pub(super) fn euros(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

#[component]
fn ProductForm(catalog: CatalogAdmin, product: Option<CatalogProduct>) -> impl IntoView {
    let t = text();
    let save = ServerAction::<CmsSaveProduct>::new();
    let delete = ServerAction::<CmsDeleteProduct>::new();
    let server = field_errors(save);
    let query = use_query_map();
    let upload = move || query.read().get("upload");
    let p = product.clone();
    let chosen_category = p.as_ref().map(|p| p.category_id);
    let vat = p.as_ref().map_or(2100, |p| p.vat_rate_bp);
    view! {
        <h1>{p.as_ref().map_or(t.new_product.to_owned(), |p| p.name.clone())}</h1>
        {move || save.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=save attr:class="cms-product" attr:novalidate=true>
            {p.as_ref().map(|p| view! { <input type="hidden" name="id" value=p.id/> })}
            <label class="field">
                <span class="label">{t.category}</span>
                <select name="category_id">
                    {catalog.categories.iter().map(|c| view! {
                        <option value=c.id selected=Some(c.id) == chosen_category>{c.name.clone()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Field name="name" label=t.name required=true value=p.as_ref().map(|p| p.name.clone()).unwrap_or_default() server/>
            <Field name="slug" label=t.slug hint=t.slug_hint value=p.as_ref().map(|p| p.slug.clone()).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.description}</span>
                <textarea name="description" rows="4">{p.as_ref().map(|p| p.description.clone()).unwrap_or_default()}</textarea>
            </label>
            <Field name="name_en" label=t.name_en hint=t.english_hint value=p.as_ref().and_then(|p| p.name_en.clone()).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.description_en}</span>
                <textarea name="description_en" rows="4" lang="en">{p.as_ref().and_then(|p| p.description_en.clone()).unwrap_or_default()}</textarea>
            </label>
            <Field name="price" label=t.price_incl required=true value=p.as_ref().map(|p| euros(p.price_cents)).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.vat}</span>
                <select name="vat_rate">
                    {VAT_RATES_BP.into_iter().map(|bp| view! {
                        <option value=(bp / 100).to_string() selected=bp == vat>{format!("{}%", bp / 100)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Field name="stock" label=t.stock kind="number" required=true value=p.as_ref().map_or("0".to_owned(), |p| p.stock.to_string()) server/>
            <Field name="stock_alert" label=t.stock_alert kind="number" hint=t.stock_alert_hint value=p.as_ref().and_then(|p| p.stock_alert).map(|n| n.to_string()).unwrap_or_default() server/>
            <label class="checkbox">
                <input type="checkbox" name="active" value="on" checked=p.as_ref().is_none_or(|p| p.active)/>
                {t.active_hint}
            </label>
            <button type="submit">{t.save}</button>
        </ActionForm>
        {product.map(|p| view! {
            <section class="product-image">
                <h2>{t.image}</h2>
                {p.image.clone().map(|src| view! { <img src=src alt=p.name.clone() width="240"/> })}
                {move || upload().map(|u| match u.as_str() {
                    "ok" => view! { <p class="notice" role="status">{t.image_saved}</p> }.into_any(),
                    "too-large" => view! { <p class="error" role="alert">{i18n::field_message(&crate::validate::FieldError::ImageTooLarge)}</p> }.into_any(),
                    _ => view! { <p class="error" role="alert">{i18n::field_message(&crate::validate::FieldError::ImageType)}</p> }.into_any(),
                })}
                <form method="post" action=format!("/cms/products/{}/image", p.id) enctype="multipart/form-data" class="image-upload">
                    <input type="file" name="image" accept="image/png,image/jpeg,image/webp" required/>
                    <button type="submit">{t.upload}</button>
                </form>
            </section>
            <section>
                <h2>{t.delete_product}</h2>
                <ActionForm action=delete attr:class="inline">
                    <input type="hidden" name="id" value=p.id/>
                    <button type="submit" class="danger">{t.delete_product}</button>
                </ActionForm>
            </section>
        })}
        <p><A href="/cms/catalog">{t.catalog}</A></p>
    }
}

#[component]
pub fn CmsProductPage() -> impl IntoView {
    let id = id_param();
    let catalog = Resource::new(|| (), |_| cms_catalog());
    view! {
        {loaded(Wait::Suspense, catalog, move |c| {
            let product = id().and_then(|id| c.products.iter().find(|p| p.id == id).cloned());
            if id().is_some() && product.is_none() {
                return view! { <NotFound/> }.into_any();
            }
            view! { <ProductForm catalog=c product/> }.into_any()
        })}
    }
}
