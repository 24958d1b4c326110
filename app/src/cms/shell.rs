//! The CMS frame: the login page, the first password, the navigation and
//! the shell around every screen, which provides the logged-in member.

use super::api::{cms_me, CmsChangePassword, CmsLogin, CmsLoginCode, CmsLogout};
use super::bookings_text::BOOKINGS_NL;
use super::questions::QUESTIONS_NL;
use super::rules::{Right, StaffMember};
use super::security::SECURITY_NL;
use super::text::text;
use crate::forms::{field_errors, Field, FormGuard};
use crate::ui::{loaded, ErrorMessage, Wait};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Outlet, Redirect, A};

/// The logged-in member, provided by the CMS frame to every screen.
pub(super) fn member() -> Option<StaffMember> {
    use_context::<StaffMember>()
}

pub(super) fn allows(right: Right) -> bool {
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

/// The login's second step for a member with a second factor: the code
/// from their app (or a recovery code). Reached from the password form;
/// without its pending login the server answers "log in first".
#[component]
pub fn CmsLoginCodePage() -> impl IntoView {
    let t = &SECURITY_NL;
    let login = ServerAction::<CmsLoginCode>::new();
    let server = field_errors(login);
    view! {
        <Title text=t.login_code_title/>
        <section class="cms-login">
            <h1>{t.login_code_title}</h1>
            <p>{t.login_code_intro}</p>
            {move || login.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! {
                <ErrorMessage error=e/>
                <p><a href="/cms/login">{t.login_again}</a></p>
            })}
            <ActionForm action=login attr:class="cms-login-code-form" attr:novalidate=true>
                <FormGuard/>
                <Field name="code" label=t.code required=true autocomplete="one-time-code" hint=t.login_code_hint server/>
                <button type="submit" class="primary">{text().login}</button>
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
            {member.allows(Right::BookingsView).then(|| view! { <A href="/cms/bookings">{BOOKINGS_NL.title}</A> })}
            {member.allows(Right::BookingsEdit).then(|| view! { <A href="/cms/bookables">{BOOKINGS_NL.items}</A> })}
            {member.allows(Right::CustomersView).then(|| view! { <A href="/cms/questions">{QUESTIONS_NL.title}</A> })}
            {member.allows(Right::CatalogEdit).then(|| view! { <A href="/cms/catalog">{t.catalog}</A> })}
            {member.allows(Right::CatalogEdit).then(|| view! { <A href="/cms/shipping">{super::shipping::SHIPPING_NL.title}</A> })}
            {member.allows(Right::PagesEdit).then(|| view! { <A href="/cms/pages">{t.pages}</A> })}
            {member.allows(Right::StaffManage).then(|| view! { <A href="/cms/staff">{t.staff}</A> })}
            {member.allows(Right::AuditView).then(|| view! { <A href="/cms/audit">{t.audit}</A> })}
            {member.allows(Right::SettingsView).then(|| view! { <A href="/cms/settings">{t.settings}</A> })}
            <span class="spacer"></span>
            <A href="/cms/password" attr:class="cms-user" attr:title=t.my_password>{member.email.clone()}</A>
            <A href="/cms/security">{SECURITY_NL.nav}</A>
            <ActionForm action=logout attr:class="inline">
                <button type="submit" class="link">{t.logout}</button>
            </ActionForm>
            <A href="/">{t.to_shop}</A>
        </nav>
    }
}

/// Bumped when the logged-in member's state changed without navigation.
#[derive(Clone, Copy)]
struct StaffChanged(RwSignal<usize>);

/// The frame of every CMS screen: checks the login, forces the first
/// password change, and shows the navigation the member's rights allow.
#[component]
pub fn CmsShell() -> impl IntoView {
    let pathname = leptos_router::hooks::use_location().pathname;
    let changed = RwSignal::new(0usize);
    provide_context(StaffChanged(changed));
    let me = Resource::new(move || changed.get(), |_| cms_me());
    // Every navigation inside the CMS checks the login again (a lock, or a
    // logout elsewhere, ends it at the next click), but builds the frame
    // again only when the member's state changed: rebuilding it at every
    // navigation built each screen twice, which loaded (and audited) its
    // data twice.
    Effect::watch(
        move || pathname.get(),
        move |path, _, _| {
            let path = path.clone();
            leptos::task::spawn_local(async move {
                let now = cms_me().await;
                let blocked =
                    matches!(&now, Ok(Some(m)) if m.needs_second_factor && path != "/cms/security");
                if me.get_untracked().as_ref() != Some(&now) || blocked {
                    changed.update(|n| *n += 1);
                }
            });
        },
        false,
    );
    view! {
        <Title text=text().title/>
        {loaded(Wait::Suspense, me, move |me| match me {
            Some(m) if m.must_change_password => view! { <FirstPassword/> }.into_any(),
            // The owner requires a second factor of this member: every
            // other screen is refused on the server, so go where they set
            // it up.
            Some(m) if m.needs_second_factor && pathname.get_untracked() != "/cms/security" => {
                view! { <Redirect path="/cms/security"/> }.into_any()
            }
            Some(m) => {
                provide_context(m.clone());
                view! {
                    <CmsNav member=m/>
                    <div class="cms-body">
                        <Outlet/>
                    </div>
                }
                    .into_any()
            }
            None => view! { <Redirect path="/cms/login"/> }.into_any(),
        })}
    }
}
