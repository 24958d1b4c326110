//! The audit log: who looked at or changed what, by record and action.

use super::api::cms_audit;
use super::text::text;
use crate::ui::{date, loaded, Wait};
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;

#[component]
pub fn CmsAuditPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let entity = move || query.read().get("entity").unwrap_or_default();
    let action = move || query.read().get("action").unwrap_or_default();
    let entries = Resource::new(
        move || (entity(), action()),
        |(entity, action)| cms_audit(Some(action), Some(entity), None, None),
    );
    view! {
        <h1>{t.audit}</h1>
        <Form method="GET" action="/cms/audit" attr:class="search">
            <select name="entity" aria-label=t.record>
                <option value="">"—"</option>
                <option value="customer" selected=move || entity() == "customer">{t.customers}</option>
                <option value="staff" selected=move || entity() == "staff">{t.staff}</option>
            </select>
            <input type="text" name="action" value=action placeholder="customer.view" aria-label=t.what/>
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
