//! Customers: the search, and one customer with their orders, to edit or
//! erase.

use super::api::{
    cms_customer, cms_customers, CmsDeleteCustomer, CmsSendPrivacyLink, CmsSetOnAccount,
    CmsUpdateCustomer,
};
use super::models::CustomerDetail;
use super::rules::Right;
use super::shell::{allows, member};
use super::text::text;
use crate::error::AppError;
use crate::forms::{field_errors, CustomerFields};
use crate::i18n::{self, price};
use crate::shop::rules::PaymentMethod;
use crate::ui::{date, id_param, loaded, loading, outcome, query_number, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CmsCustomersPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let after = query_number(query, "after");
    let page = Resource::new(
        move || (q(), after()),
        |(q, after)| cms_customers(Some(q), after),
    );
    view! {
        <h1>{t.customers}</h1>
        <Form method="GET" action="/cms/customers" attr:class="search">
            <input type="search" name="q" value=q placeholder=t.search_hint aria-label=t.search/>
            <button type="submit">{t.search}</button>
        </Form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Err(AppError::Forbidden) => view! { <p class="error">{t.not_allowed}</p> }.into_any(),
                    result => outcome(result, |p| {
                        let more = p.next_after.map(|n| {
                            let href = format!("/cms/customers?q={}&after={n}", q());
                            view! { <A href=href attr:class="more">{t.more}</A> }
                        });
                        view! {
                            <table class="cms-customers">
                                <thead><tr><th>{t.name}</th><th>{t.email}</th><th>{t.city}</th><th>{t.account}</th><th>{t.added}</th></tr></thead>
                                <tbody>
                                    {p.rows.into_iter().map(|c| view! {
                                        <tr>
                                            <td><A href=format!("/cms/customers/{}", c.id)>{c.name}</A></td>
                                            <td>{c.email}</td>
                                            <td>{c.city}</td>
                                            <td>{if c.has_account { t.yes } else { t.no }}</td>
                                            <td>{date(c.created_at)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {more}
                        }
                    }),
                }
            })}
        </Transition>
    }
}

#[component]
fn CustomerView(detail: CustomerDetail) -> impl IntoView {
    let t = text();
    let update = ServerAction::<CmsUpdateCustomer>::new();
    let delete = ServerAction::<CmsDeleteCustomer>::new();
    let on_account = ServerAction::<CmsSetOnAccount>::new();
    let privacy_link = ServerAction::<CmsSendPrivacyLink>::new();
    let p = detail.profile.clone();
    // The customer as saved last: each edit answers with the record read
    // back from the database, and the facts above the forms show it.
    let current = RwSignal::new(detail.clone());
    for saved in [update.value(), on_account.value()] {
        Effect::watch(
            move || saved.get(),
            move |answer, _, _| {
                if let Some(Ok(fresh)) = answer {
                    current.set(fresh.clone());
                }
            },
            false,
        );
    }
    let profile = move || current.read().profile.clone();
    let method_labels = move || {
        profile()
            .payment_methods
            .iter()
            .filter_map(|m| PaymentMethod::parse(m))
            .map(i18n::payment_method_label)
            .collect::<Vec<_>>()
            .join(", ")
    };
    let granted = p
        .payment_methods
        .iter()
        .any(|m| m == PaymentMethod::OnAccount.as_str());
    view! {
        <h1>{move || { let p = profile(); format!("{} {}", p.first_name, p.last_name) }}</h1>
        <dl class="order-facts">
            <dt>{t.email}</dt><dd class="customer-email">{move || profile().email}</dd>
            <dt>{t.account}</dt><dd>{if detail.has_account { t.yes } else { t.no }}</dd>
            <dt>{t.added}</dt><dd>{date(p.created_at)}</dd>
            <dt>{t.last_login}</dt><dd>{p.last_login_at.map(date).unwrap_or_else(|| "—".into())}</dd>
            <dt>{t.payment_methods}</dt><dd class="payment-methods">{method_labels}</dd>
        </dl>
        // The owner answers a customer who asks who saw their data.
        {member().is_some_and(|m| m.is_owner).then(|| view! {
            <p class="seen-by"><A href=format!("/cms/audit?customer={}", detail.id)>{t.seen_by}</A></p>
        })}
        {allows(Right::CustomersEdit).then(|| view! {
            {move || on_account.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=on_account attr:class="cms-on-account">
                <input type="hidden" name="id" value=detail.id/>
                <label class="checkbox">
                    <input type="checkbox" name="on_account" value="on" checked=granted/>
                    {t.on_account_allowed}
                </label>
                <button type="submit">{t.save}</button>
            </ActionForm>
        })}
        <h2>{t.orders}</h2>
        {if detail.orders.is_empty() {
            view! { <p>{t.no_orders}</p> }.into_any()
        } else {
            view! {
                <ul class="order-history">
                    {detail.orders.iter().map(|o| view! {
                        <li>{date(o.placed_at)} " · " {price(o.total_cents)} " · " {i18n::order_status_label(o.status)}</li>
                    }).collect_view()}
                </ul>
            }.into_any()
        }}
        {allows(Right::CustomersEdit).then(|| view! {
            <h2>{t.edit_customer}</h2>
            {move || update.value().get().map(|r| match r {
                Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
            })}
            <ActionForm action=update attr:class="cms-customer" attr:novalidate=true>
                <input type="hidden" name="id" value=detail.id/>
                <CustomerFields server=field_errors(update) profile=Some(p.clone()) email=true prospect={detail.kind == crate::customer::CustomerKind::Prospect}/>
                <button type="submit">{t.save}</button>
            </ActionForm>
        })}
        {allows(Right::CustomersEdit).then(|| view! {
            <h2>{t.privacy_link}</h2>
            <p class="hint">{t.privacy_link_hint}</p>
            {move || privacy_link.value().get().map(|r| match r {
                Ok(true) => view! { <p class="notice" role="status">{t.privacy_link_sent}</p> }.into_any(),
                Ok(false) => view! { <p class="error" role="alert">{t.privacy_link_over_budget}</p> }.into_any(),
                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
            })}
            <ActionForm action=privacy_link attr:class="cms-privacy-link">
                <input type="hidden" name="id" value=detail.id/>
                <button type="submit">{t.privacy_link}</button>
            </ActionForm>
        })}
        {allows(Right::CustomersDelete).then(|| view! {
            <h2>{t.delete_customer}</h2>
            <p class="warning">{t.delete_customer_warning}</p>
            {move || delete.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=delete attr:class="cms-delete-customer">
                <input type="hidden" name="id" value=detail.id/>
                <button type="submit" class="danger">{t.delete_customer}</button>
            </ActionForm>
        })}
    }
}

#[component]
pub fn CmsCustomerPage() -> impl IntoView {
    let id = id_param();
    let detail = Resource::new(move || id().unwrap_or(0), cms_customer);
    view! {
        {loaded(Wait::Suspense, detail, |d| view! { <CustomerView detail=d/> })}
        <p><A href="/cms/customers">{text().customers}</A></p>
    }
}
