//! The audit log: who looked at or changed what, by record, action and
//! member; for the owner also by customer ("who saw this customer's
//! data?"), with a download of that answer for the customer who asks.

use super::api::{cms_audit, cms_audit_members};
use super::shell::member;
use super::text::text;
use crate::ui::{date, loaded, query_number, Wait};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CmsAuditPage() -> impl IntoView {
    let t = text();
    let is_owner = member().is_some_and(|m| m.is_owner);
    let query = use_query_map();
    let entity = move || query.read().get("entity").unwrap_or_default();
    let action = move || query.read().get("action").unwrap_or_default();
    let by_member = query_number(query, "member");
    let customer = query_number(query, "customer");
    let entries = Resource::new(
        move || (entity(), action(), by_member(), customer()),
        |(entity, action, by_member, customer)| {
            cms_audit(Some(action), Some(entity), None, None, by_member, customer)
        },
    );
    let members = Resource::new(|| (), |()| cms_audit_members());
    view! {
        <h1>{t.audit}</h1>
        {move || customer().map(|id| view! {
            <p class="audit-subject">
                {format!("{} #{id}. ", t.seen_by_title)}
                // A file served by the server (owner only, audited).
                <a href=format!("/cms/customers/{id}/access.json") rel="external" download>{t.access_export}</a>
            </p>
        })}
        <Form method="GET" action="/cms/audit" attr:class="search">
            <select name="entity" aria-label=t.record>
                <option value="">"—"</option>
                <option value="customer" selected=move || entity() == "customer">{t.customers}</option>
                <option value="staff" selected=move || entity() == "staff">{t.staff}</option>
            </select>
            <input type="text" name="action" value=action placeholder="customer.view" aria-label=t.what/>
            {loaded(Wait::Transition, members, move |list| view! {
                <select name="member" aria-label=t.who>
                    <option value="">{t.all_members}</option>
                    {list.into_iter().map(|m| {
                        let id = m.id;
                        view! { <option value=id selected=move || by_member() == Some(id)>{m.email}</option> }
                    }).collect_view()}
                </select>
            })}
            {is_owner.then(|| view! {
                <input type="number" name="customer" min="1" inputmode="numeric"
                    value=move || customer().map(|c| c.to_string()).unwrap_or_default()
                    placeholder=t.customer_number aria-label=t.customer_number/>
            })}
            <button type="submit">{t.search}</button>
        </Form>
        {loaded(Wait::Transition, entries, move |list| {
            if list.is_empty() {
                return view! { <p>{t.nothing_yet}</p> }.into_any();
            }
            view! {
                <table class="cms-audit">
                    <thead><tr><th>{t.when}</th><th>{t.who}</th><th>{t.what}</th><th>{t.record}</th><th></th></tr></thead>
                    <tbody>
                        {list.into_iter().map(|e| view! {
                            <tr>
                                <td>{date(e.at)}</td>
                                <td>{e.staff_email}</td>
                                <td>{e.action}</td>
                                <td>{format!("{} #{}", e.entity, e.entity_id.map(|i| i.to_string()).unwrap_or_default())}</td>
                                <td>{e.detail.unwrap_or_default()}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            }
            .into_any()
        })}
    }
}
