//! Orders: the list by status and date, and one order with the status
//! changes staff may make.

use super::api::{cms_order, cms_orders, CmsSetOrderStatus};
use super::rules::{OrderStatus, Right};
use super::shell::allows;
use super::text::text;
use crate::i18n::{self, price};
use crate::ui::{date, id_param, loaded, query_number, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_router::components::{Form, A};
use leptos_router::hooks::use_query_map;

#[component]
pub fn CmsOrdersPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let param = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let (status, from, to) = (param("status"), param("from"), param("to"));
    let before = query_number(query, "before");
    let page = Resource::new(
        move || (status(), from(), to(), before()),
        |(s, f, t, b)| cms_orders(Some(s), Some(f), Some(t), b),
    );
    view! {
        <h1>{t.orders}</h1>
        <Form method="GET" action="/cms/orders" attr:class="search order-filters">
            <select name="status" aria-label=t.status>
                <option value="">{t.all_statuses}</option>
                {OrderStatus::ALL.iter().map(|&s| view! {
                    <option value=s.as_str() selected=move || status() == s.as_str()>{i18n::order_status_label(s)}</option>
                }).collect_view()}
            </select>
            <input type="date" name="from" value=from aria-label=t.from/>
            <input type="date" name="to" value=to aria-label=t.to/>
            <button type="submit">{t.search}</button>
        </Form>
        {loaded(Wait::Transition, page, move |p| {
            let more = p.next_before.map(|n| {
                let href = format!("/cms/orders?status={}&from={}&to={}&before={n}", status(), from(), to());
                view! { <A href=href attr:class="more">{t.more}</A> }
            });
            view! {
                <table class="cms-orders">
                    <thead><tr><th>{t.when}</th><th>{t.name}</th><th>{t.status}</th><th>{crate::shop::text::text().total}</th></tr></thead>
                    <tbody>
                        {p.rows.into_iter().map(|o| view! {
                            <tr>
                                <td><A href=format!("/cms/orders/{}", o.id)>{date(o.placed_at)}</A></td>
                                <td>{o.recipient_name}</td>
                                <td>{i18n::order_status_label(o.status)}</td>
                                <td>{price(o.total_cents)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                {more}
            }
        })}
    }
}

#[component]
pub fn CmsOrderPage() -> impl IntoView {
    let t = text();
    let id = id_param();
    let change = ServerAction::<CmsSetOrderStatus>::new();
    let order = Resource::new(
        move || (id().unwrap_or(0), change.version().get()),
        |(id, _)| cms_order(id),
    );
    let can_edit = allows(Right::OrdersEdit);
    view! {
        {move || change.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
        {loaded(Wait::Transition, order, move |o| view! {
            {can_edit.then(|| view! {
                <div class="status-actions">
                    {o.next_statuses.clone().into_iter().map(|s| view! {
                        <ActionForm action=change attr:class="inline">
                            <input type="hidden" name="id" value=o.id/>
                            <input type="hidden" name="status" value=s.as_str()/>
                            {(s == OrderStatus::Shipped).then(|| view! {
                                <input type="url" name="track_url" class="track-url" maxlength="500"
                                    placeholder="https://" aria-label=t.track_url title=t.track_url/>
                            })}
                            <button type="submit" class:danger=s == OrderStatus::Cancelled>
                                {t.mark_as} " " {i18n::order_status_label(s)}
                            </button>
                        </ActionForm>
                    }).collect_view()}
                </div>
            })}
            {o.anonymised.then(|| view! { <p class="notice">{t.anonymised}</p> })}
            <p class="record-locale">{super::text::language_line(o.locale)}</p>
            // Served by the server with the same right (a file, not a page).
            <p class="invoice-link">
                <a href=format!("/cms/orders/{}/invoice.pdf", o.id) rel="external" type="application/pdf">{t.invoice}</a>
            </p>
            <crate::shop::OrderSummary order=o.order/>
        })}
        <p><A href="/cms/orders">{t.orders}</A></p>
    }
}
