//! The CMS for the shop owner and staff (AVG-9, AVG-10, AVG-11, AVG-13).
//! What a member may not do is hidden here, and refused on the server.

pub mod api;
pub mod models;
pub mod questions;
pub mod rules;
pub mod text;

use crate::error::AppError;
use crate::forms::{field_errors, CustomerFields, Field, FormGuard};
use crate::i18n::{self, price};
use crate::shop::ErrorMessage;
use api::cms_retention_preview;
use api::{
    cms_audit, cms_customer, cms_customers, cms_dashboard, cms_me, cms_order, cms_orders,
    cms_settings, cms_staff, CmsChangePassword, CmsCreateStaff, CmsDeleteCustomer, CmsLogin,
    CmsLogout, CmsRevealDatabasePassword, CmsSaveSettings, CmsSetLocked, CmsSetOrderStatus,
    CmsSetRights, CmsUpdateCustomer,
};
use api::{cms_catalog, CmsDeleteCategory, CmsDeleteProduct, CmsSaveCategory, CmsSaveProduct};
use api::{cms_page, cms_pages, CmsDeletePage, CmsSavePage};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, Outlet, Redirect, A};
use leptos_router::hooks::{use_params_map, use_query_map};
use models::{CustomerDetail, StaffView};
use rules::{Right, StaffMember};
use text::{right_label, text};

fn loading() -> impl IntoView {
    view! { <p>{i18n::layout().loading}</p> }
}

fn date(d: chrono::NaiveDateTime) -> String {
    d.format("%d-%m-%Y %H:%M").to_string()
}

/// The logged-in member, provided by the CMS frame to every screen.
fn member() -> Option<StaffMember> {
    use_context::<StaffMember>()
}

fn allows(right: Right) -> bool {
    member().is_some_and(|m| m.allows(right))
}

#[component]
pub fn CmsLoginPage() -> impl IntoView {
    let t = text();
    let login = ServerAction::<CmsLogin>::new();
    view! {
        <Title text=t.login_title/>
        <section class="cms-login">
            <h1>{t.login_title}</h1>
            {move || login.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=login attr:class="cms-login-form">
                <FormGuard/>
                <label class="field">
                    <span class="label">{t.email}</span>
                    <input type="email" name="email" required autocomplete="username"/>
                </label>
                <label class="field">
                    <span class="label">{t.password}</span>
                    <input type="password" name="password" required autocomplete="current-password"/>
                </label>
                <button type="submit" class="primary">{t.login}</button>
            </ActionForm>
        </section>
    }
}

#[component]
fn FirstPassword() -> impl IntoView {
    let t = text();
    let change = ServerAction::<CmsChangePassword>::new();
    let server = field_errors(change);
    // Once the password is changed, the frame asks the server again who is
    // logged in and shows the CMS (the path does not change, so it must be
    // told).
    if let Some(StaffChanged(changed)) = use_context::<StaffChanged>() {
        Effect::watch(
            move || change.value().get(),
            move |result, _, _| {
                if matches!(result, Some(Ok(()))) {
                    changed.update(|n| *n += 1);
                }
            },
            false,
        );
    }
    view! {
        <h1>{t.first_password_title}</h1>
        <p>{t.first_password_intro}</p>
        {move || {
            change.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! { <ErrorMessage error=e/> })
        }}
        <ActionForm action=change attr:class="cms-password" attr:novalidate=true>
            <Field name="current_password" label=t.current_password kind="password" required=true autocomplete="current-password" server/>
            <Field name="new_password" label=t.new_password kind="password" required=true autocomplete="new-password" hint=t.staff_password_hint server/>
            <button type="submit" class="primary">{t.save}</button>
        </ActionForm>
    }
}

#[component]
fn CmsNav(member: StaffMember) -> impl IntoView {
    let t = text();
    let logout = ServerAction::<CmsLogout>::new();
    view! {
        <nav class="cms-nav">
            <strong>{t.title}</strong>
            <A href="/cms">{t.dashboard}</A>
            {member.allows(Right::CustomersView).then(|| view! { <A href="/cms/customers">{t.customers}</A> })}
            {member.allows(Right::OrdersView).then(|| view! { <A href="/cms/orders">{t.orders}</A> })}
            {member.allows(Right::CustomersView).then(|| view! { <A href="/cms/questions">{questions::QUESTIONS_NL.title}</A> })}
            {member.allows(Right::CatalogEdit).then(|| view! { <A href="/cms/catalog">{t.catalog}</A> })}
            {member.allows(Right::PagesEdit).then(|| view! { <A href="/cms/pages">{t.pages}</A> })}
            {member.allows(Right::StaffManage).then(|| view! { <A href="/cms/staff">{t.staff}</A> })}
            {member.allows(Right::AuditView).then(|| view! { <A href="/cms/audit">{t.audit}</A> })}
            {member.allows(Right::SettingsView).then(|| view! { <A href="/cms/settings">{t.settings}</A> })}
            <span class="spacer"></span>
            <span class="cms-user">{member.email.clone()}</span>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="link">{t.logout}</button>
            </ActionForm>
            <A href="/">{t.to_shop}</A>
        </nav>
    }
}

/// The frame of every CMS screen: checks the login, forces the first
/// password change, and shows the navigation the member's rights allow.
/// Bumped when the logged-in member's state changed without navigation.
#[derive(Clone, Copy)]
struct StaffChanged(RwSignal<usize>);

#[component]
pub fn CmsShell() -> impl IntoView {
    let location = leptos_router::hooks::use_location();
    let changed = RwSignal::new(0usize);
    provide_context(StaffChanged(changed));
    let me = Resource::new(
        move || (location.pathname.get(), changed.get()),
        |_| cms_me(),
    );
    view! {
        <Title text=text().title/>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match me.await {
                    Ok(Some(m)) if m.must_change_password => view! { <FirstPassword/> }.into_any(),
                    Ok(Some(m)) => {
                        provide_context(m.clone());
                        view! {
                            <CmsNav member=m/>
                            <div class="cms-body">
                                <Outlet/>
                            </div>
                        }
                            .into_any()
                    }
                    Ok(None) => view! { <Redirect path="/cms/login"/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn JobLine(label: &'static str, status: Option<models::JobStatus>) -> impl IntoView {
    let t = text();
    view! {
        <dt>{label}</dt>
        <dd>
            {match status {
                None => t.not_yet.to_owned(),
                Some(s) => format!(
                    "{} — {}{}",
                    s.finished_at.map(date).unwrap_or_else(|| t.running.to_owned()),
                    if s.ok { "" } else { "MISLUKT: " },
                    s.summary
                ),
            }}
        </dd>
    }
}

#[component]
pub fn CmsDashboard() -> impl IntoView {
    let t = text();
    let dashboard = Resource::new(|| (), |_| cms_dashboard());
    view! {
        <h1>{t.dashboard}</h1>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(d) => view! {
                        {d.security_alerts.iter().map(|a| view! {
                            <p class="error security-alert" role="alert">
                                {text::security_alert(&a.kind, a.last_hour, a.week_total)}
                            </p>
                        }).collect_view()}
                        <dl class="order-facts dashboard">
                            <dt>{t.orders_today}</dt>
                            <dd class="orders-today">{d.orders_today} " (" {price(d.revenue_today_cents)} ")"</dd>
                            <dt>{t.orders_to_handle}</dt>
                            <dd>{d.orders_new}</dd>
                            <dt>{t.open_questions}</dt>
                            <dd>{d.open_questions}</dd>
                            <JobLine label=t.last_retention status=d.last_retention/>
                            <JobLine label=t.last_backup status=d.last_backup/>
                        </dl>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CmsCustomersPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let q = move || query.read().get("q").unwrap_or_default();
    let after = move || {
        query
            .read()
            .get("after")
            .and_then(|a| a.parse::<i32>().ok())
    };
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
                    Ok(p) => {
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
                        }.into_any()
                    }
                    Err(AppError::Forbidden) => view! { <p class="error">{t.not_allowed}</p> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
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
    let p = detail.profile.clone();
    view! {
        <h1>{format!("{} {}", p.first_name, p.last_name)}</h1>
        <dl class="order-facts">
            <dt>{t.email}</dt><dd>{p.email.clone()}</dd>
            <dt>{t.account}</dt><dd>{if detail.has_account { t.yes } else { t.no }}</dd>
            <dt>{t.added}</dt><dd>{date(p.created_at)}</dd>
            <dt>{t.last_login}</dt><dd>{p.last_login_at.map(date).unwrap_or_else(|| "—".into())}</dd>
        </dl>
        <h2>{t.orders}</h2>
        {if detail.orders.is_empty() {
            view! { <p>{t.no_orders}</p> }.into_any()
        } else {
            view! {
                <ul class="order-history">
                    {detail.orders.iter().map(|o| view! {
                        <li>{date(o.placed_at)} " · " {price(o.total_cents)} " · " {i18n::order_status_label(&o.status)}</li>
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
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let detail = Resource::new(id, cms_customer);
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match detail.await {
                    Ok(d) => view! { <CustomerView detail=d/> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
        <p><A href="/cms/customers">{text().customers}</A></p>
    }
}

#[component]
fn RightsBoxes(#[prop(default = Vec::new())] granted: Vec<Right>) -> impl IntoView {
    view! {
        <div class="rights">
            {Right::ALL.into_iter().map(|r| view! {
                <label class="checkbox">
                    <input type="checkbox" name="rights[]" value=r.as_str() checked=granted.contains(&r)/>
                    {right_label(r)}
                </label>
            }).collect_view()}
        </div>
    }
}

#[component]
fn StaffRow(
    member: StaffView,
    set_rights: ServerAction<CmsSetRights>,
    set_locked: ServerAction<CmsSetLocked>,
) -> impl IntoView {
    let t = text();
    let editable = !member.is_owner && Some(member.id) != self::member().map(|m| m.id);
    view! {
        <tr class="staff-row">
            <td>
                {member.email.clone()}
                {member.is_owner.then(|| view! { " (" {t.owner} ")" })}
                {member.locked.then(|| view! { <strong class="locked">" " {t.locked}</strong> })}
            </td>
            <td>
                {if editable {
                    view! {
                        <ActionForm action=set_rights attr:class="staff-rights">
                            <input type="hidden" name="id" value=member.id/>
                            <RightsBoxes granted=member.rights.clone()/>
                            <button type="submit">{t.save}</button>
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <span>{if member.is_owner { "alle rechten".to_owned() } else { member.rights.iter().map(|r| right_label(*r)).collect::<Vec<_>>().join(", ") }}</span> }.into_any()
                }}
            </td>
            <td>
                {editable.then(|| view! {
                    <ActionForm action=set_locked attr:class="staff-lock">
                        <input type="hidden" name="id" value=member.id/>
                        <input type="hidden" name="locked" value=(!member.locked).to_string()/>
                        <button type="submit" class:danger=!member.locked>{if member.locked { t.unlock } else { t.lock }}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

#[component]
pub fn CmsStaffPage() -> impl IntoView {
    let t = text();
    let create = ServerAction::<CmsCreateStaff>::new();
    let set_rights = ServerAction::<CmsSetRights>::new();
    let set_locked = ServerAction::<CmsSetLocked>::new();
    let list = Resource::new(
        move || {
            (
                create.version().get(),
                set_rights.version().get(),
                set_locked.version().get(),
            )
        },
        |_| cms_staff(),
    );
    let server = field_errors(create);
    let failure = move || {
        [set_rights.value().get(), set_locked.value().get()]
            .into_iter()
            .flatten()
            .find_map(Result::err)
            .map(|e| view! { <ErrorMessage error=e/> })
    };
    view! {
        <h1>{t.staff}</h1>
        {failure}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match list.await {
                    Ok(members) => view! {
                        <table class="cms-staff">
                            <thead><tr><th>{t.email}</th><th>{t.rights}</th><th></th></tr></thead>
                            <tbody>
                                {members.into_iter().map(|m| view! { <StaffRow member=m set_rights set_locked/> }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Transition>
        <h2>{t.new_staff}</h2>
        {move || create.value().get().map(|r| match r {
            Ok(_) => view! { <p class="notice" role="status">{t.staff_created}</p> }.into_any(),
            Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
        })}
        <ActionForm action=create attr:class="cms-create-staff" attr:novalidate=true>
            <Field name="email" label=t.email kind="email" required=true server/>
            <Field name="password" label=t.password kind="password" required=true autocomplete="new-password" hint=t.staff_password_hint server/>
            <fieldset>
                <legend>{t.rights}</legend>
                <RightsBoxes/>
            </fieldset>
            <button type="submit">{t.create}</button>
        </ActionForm>
    }
}

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
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(list) if list.is_empty() => view! { <p>{t.nothing_yet}</p> }.into_any(),
                    Ok(list) => view! {
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
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn CmsOrdersPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let param = move |name: &'static str| move || query.read().get(name).unwrap_or_default();
    let (status, from, to) = (param("status"), param("from"), param("to"));
    let before = move || {
        query
            .read()
            .get("before")
            .and_then(|b| b.parse::<i32>().ok())
    };
    let page = Resource::new(
        move || (status(), from(), to(), before()),
        |(s, f, t, b)| cms_orders(Some(s), Some(f), Some(t), b),
    );
    view! {
        <h1>{t.orders}</h1>
        <Form method="GET" action="/cms/orders" attr:class="search order-filters">
            <select name="status" aria-label=t.status>
                <option value="">{t.all_statuses}</option>
                {rules::ORDER_STATUSES.into_iter().map(|s| view! {
                    <option value=s selected=move || status() == s>{i18n::order_status_label(s)}</option>
                }).collect_view()}
            </select>
            <input type="date" name="from" value=from aria-label=t.from/>
            <input type="date" name="to" value=to aria-label=t.to/>
            <button type="submit">{t.search}</button>
        </Form>
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
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
                                            <td>{i18n::order_status_label(&o.status)}</td>
                                            <td>{price(o.total_cents)}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            {more}
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
pub fn CmsOrderPage() -> impl IntoView {
    let t = text();
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
            .unwrap_or(0)
    };
    let change = ServerAction::<CmsSetOrderStatus>::new();
    let order = Resource::new(
        move || (id(), change.version().get()),
        |(id, _)| cms_order(id),
    );
    let can_edit = allows(Right::OrdersEdit);
    view! {
        {move || change.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! {
                        {can_edit.then(|| view! {
                            <div class="status-actions">
                                {o.next_statuses.clone().into_iter().map(|s| view! {
                                    <ActionForm action=change attr:class="inline">
                                        <input type="hidden" name="id" value=o.id/>
                                        <input type="hidden" name="status" value=s.clone()/>
                                        <button type="submit" class:danger=s == "cancelled">
                                            {t.mark_as} " " {i18n::order_status_label(&s)}
                                        </button>
                                    </ActionForm>
                                }).collect_view()}
                            </div>
                        })}
                        {o.anonymised.then(|| view! { <p class="notice">{t.anonymised}</p> })}
                        <crate::shop::OrderSummary order=o.order/>
                    }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Transition>
        <p><A href="/cms/orders">{t.orders}</A></p>
    }
}

#[component]
fn SettingsScreen(
    view: models::SettingsView,
    save: ServerAction<CmsSaveSettings>,
    reveal: ServerAction<CmsRevealDatabasePassword>,
    preview: Resource<Result<crate::privacy::models::RetentionReport, AppError>>,
    backups: Resource<Result<models::BackupStatus, AppError>>,
) -> impl IntoView {
    let t = text();
    let server = field_errors(save);
    let initial = view.database.password.clone();
    let password = move || {
        reveal
            .value()
            .get()
            .and_then(Result::ok)
            .map(|v| v.database.password)
            .unwrap_or_else(|| initial.clone())
    };
    let s = view.settings.clone();
    let db = view.database.clone();
    view! {
        <h1>{t.settings}</h1>
        <section>
            <h2>{t.shop_settings}</h2>
            {move || save.value().get().map(|r| match r {
                Ok(_) => view! { <p class="notice" role="status">{t.saved}</p> }.into_any(),
                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
            })}
            <ActionForm action=save attr:class="cms-settings" attr:novalidate=true>
                <fieldset disabled=!view.can_edit>
                    <Field name="shop_name" label=t.shop_name required=true value=s.shop_name.clone() server/>
                    <Field name="contact_email" label=t.contact_email kind="email" value=s.contact_email.clone() server/>
                    <Field name="retention_years" label=t.retention_years kind="number" required=true hint=t.retention_hint value=s.retention_years.to_string() server/>
                    <Field name="backups_keep" label=t.backups_keep kind="number" required=true value=s.backups_keep.to_string() server/>
                </fieldset>
                {view.can_edit.then(|| view! { <button type="submit">{t.save}</button> })}
            </ActionForm>
        </section>
        <RetentionPreview preview/>
        <section>
            <h2>{t.database_login}</h2>
            <dl class="order-facts database-login">
                <dt>{t.backend}</dt><dd>{db.backend.clone()}</dd>
                <dt>{t.host}</dt><dd>{db.host.clone()}</dd>
                <dt>{t.database}</dt><dd>{db.database.clone()}</dd>
                <dt>{t.user}</dt><dd>{db.user.clone()}</dd>
                <dt>{t.password}</dt><dd class="db-password">{password}</dd>
            </dl>
            <ActionForm action=reveal attr:class="inline reveal-password">
                <button type="submit" class="link">{t.reveal}</button>
            </ActionForm>
            <p class="hint">{t.reveal_hint}</p>
        </section>
        <BackupSection status=backups/>
    }
}

/// AVG-20: the last backup (name, size, verified or why it failed) and how
/// many are kept; its own request, so that it stands apart from the form.
#[component]
fn BackupSection(status: Resource<Result<models::BackupStatus, AppError>>) -> impl IntoView {
    let t = text();
    view! {
        <section class="backup-status">
            <h2>{t.backups}</h2>
            <Suspense fallback=loading>
                {move || Suspend::new(async move {
                    match status.await {
                        Ok(s) => view! {
                            <dl class="order-facts">
                                <JobLine label=t.last_backup status=s.last/>
                                <dt>{t.backups_kept}</dt><dd>{s.keep}</dd>
                            </dl>
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The dry run of today's retention sweep, refreshed when the term changes.
#[component]
fn RetentionPreview(
    preview: Resource<Result<crate::privacy::models::RetentionReport, AppError>>,
) -> impl IntoView {
    let t = text();
    view! {
        <section class="retention-preview">
            <h2>{t.retention_preview}</h2>
            <Transition fallback=loading>
                {move || Suspend::new(async move {
                    match preview.await {
                        Ok(r) => view! {
                            <p class="retention-summary">{(t.retention_preview_line)(
                                r.customers_deleted,
                                r.orders_anonymised,
                                r.retention_years,
                            )}</p>
                            <p class="hint">{t.retention_preview_hint}</p>
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn CmsSettingsPage() -> impl IntoView {
    // Every resource and action of the screen is made here, before the
    // first await: made inside the Suspend below (after `settings`
    // resolved), the browser gave the nested ones other ids than the
    // server had, found no data for the retention preview while
    // hydrating and panicked (issue 13, goal 6).
    let settings = Resource::new(|| (), |_| cms_settings());
    let save = ServerAction::<CmsSaveSettings>::new();
    let reveal = ServerAction::<CmsRevealDatabasePassword>::new();
    let preview = Resource::new(move || save.version().get(), |_| cms_retention_preview());
    let backups = Resource::new(|| (), |_| api::cms_backup_status());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(v) => view! { <SettingsScreen view=v save reveal preview backups/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

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
        <Transition fallback=loading>
            {move || Suspend::new(async move {
                match catalog.await {
                    Ok(c) => {
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
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn euros(cents: i64) -> String {
    format!("{},{:02}", cents / 100, cents % 100)
}

#[component]
fn ProductForm(
    catalog: models::CatalogAdmin,
    product: Option<models::CatalogProduct>,
) -> impl IntoView {
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
            <Field name="price" label=t.price_incl required=true value=p.as_ref().map(|p| euros(p.price_cents)).unwrap_or_default() server/>
            <label class="field">
                <span class="label">{t.vat}</span>
                <select name="vat_rate">
                    {rules::VAT_RATES_BP.into_iter().map(|bp| view! {
                        <option value=(bp / 100).to_string() selected=bp == vat>{format!("{}%", bp / 100)}</option>
                    }).collect_view()}
                </select>
            </label>
            <Field name="stock" label=t.stock kind="number" required=true value=p.as_ref().map_or("0".to_owned(), |p| p.stock.to_string()) server/>
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
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    };
    let catalog = Resource::new(|| (), |_| cms_catalog());
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match catalog.await {
                    Ok(c) => {
                        let product = id().and_then(|id| c.products.iter().find(|p| p.id == id).cloned());
                        if id().is_some() && product.is_none() {
                            return view! { <crate::layout::NotFound/> }.into_any();
                        }
                        view! { <ProductForm catalog=c product/> }.into_any()
                    }
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn CmsPagesPage() -> impl IntoView {
    let t = text();
    let pages = Resource::new(|| (), |_| cms_pages());
    view! {
        <h1>{t.pages}</h1>
        <p>{t.pages_intro} " " <A href="/privacy">"/privacy"</A></p>
        <p><A href="/cms/pages/new" attr:class="button">{t.new_page}</A></p>
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match pages.await {
                    Ok(list) => view! {
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
                    }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn PageForm(page: Option<crate::content::PageEdit>) -> impl IntoView {
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
    let params = use_params_map();
    let id = move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i32>().ok())
    };
    let page = Resource::new(id, |id| async move {
        match id {
            Some(id) => cms_page(id).await.map(Some),
            None => Ok(None),
        }
    });
    view! {
        <Suspense fallback=loading>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <PageForm page=p/> }.into_any(),
                    Err(AppError::NotFound) => view! { <crate::layout::NotFound/> }.into_any(),
                    Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}
