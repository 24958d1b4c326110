//! "Wachtwoord vergeten?" (issue 20): the page that asks for a reset link
//! and the page the link opens. Both are plain form posts, so they work
//! without JavaScript too; the work is in `ssr::services::password_reset`.
//! Each page's form is a lazy island (see `account`).

use super::api::{RequestPasswordReset, ResetPassword};
use super::text::text;
use crate::forms::{check_email, field_errors, form_started, Field, IslandFormGuard};
use crate::locale::page_href;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;

/// `/account/password/forgot`: an address in, the same answer out for
/// every address (`?sent=1` after the post).
#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let t = text();
    // Read on the server, which renders the page for every visit.
    let sent = use_query_map().with_untracked(|q| q.get("sent").is_some());
    view! {
        <Title text=t.forgot_title/>
        <h1>{t.forgot_title}</h1>
        {sent.then(|| view! { <p class="notice" role="status">{t.forgot_sent}</p> })}
        <p class="intro">{t.forgot_intro}</p>
        <ForgotPasswordForm started=form_started()/>
        <p>
            <A href=page_href("/login")>{t.login_link}</A>
        </p>
    }
}

/// The address field, checked as it is left; the answer is the redirect
/// to `?sent=1`.
#[island(lazy)]
fn ForgotPasswordForm(
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let request = ServerAction::<RequestPasswordReset>::new();
    view! {
        <LazyIslandBody>
            {move || request.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=request attr:class="forgot-password" attr:novalidate=true>
                <IslandFormGuard started/>
                <Field name="email" label=crate::shop::text::text().email kind="email" required=true check=check_email autocomplete="username" server=field_errors(request)/>
                <button type="submit" class="primary">{t.forgot_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// `/account/password/reset?t=…`: the mailed link; the new password is
/// chosen here and the visitor is logged in.
#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let t = text();
    let token = use_query_map().with_untracked(|q| q.get("t").unwrap_or_default());
    view! {
        <Title text=t.reset_title/>
        <h1>{t.reset_title}</h1>
        <p class="intro">{t.reset_intro}</p>
        <ResetPasswordForm token/>
    }
}

/// The new password, with the link's token (from the page's address: the
/// island has no router to read it). A used or expired link offers a new
/// one.
#[island(lazy)]
fn ResetPasswordForm(token: String) -> impl IntoView {
    let t = text();
    let reset = ServerAction::<ResetPassword>::new();
    view! {
        <LazyIslandBody>
            {move || reset.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! {
                <ErrorMessage error=e/>
                <p><a href=page_href("/account/password/forgot")>{t.forgot_again}</a></p>
            })}
            <ActionForm action=reset attr:class="reset-password" attr:novalidate=true>
                <input type="hidden" name="token" value=token/>
                <Field name="password" label=t.new_password kind="password" required=true autocomplete="new-password" hint=t.password_hint server=field_errors(reset)/>
                <button type="submit" class="primary">{t.reset_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}
