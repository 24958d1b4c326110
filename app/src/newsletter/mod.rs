//! The newsletter pages: subscribe at `/newsletter`, confirm at
//! `/newsletter/confirm`, unsubscribe at `/newsletter/unsubscribe`.
//!
//! Following a link in a mail only shows a button; the button changes the
//! subscription. Mail scanners and link previews open links on their own,
//! and must not confirm (or end) anyone's subscription.
//!
//! The pages are server HTML; each form is a small island that shows the
//! server's refusal in place.

pub mod api;
pub mod rules;
pub mod text;

use crate::forms::{check_email, field_errors, form_started, Field, IslandFormGuard};
use crate::i18n;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use api::{newsletter_check_link, NewsletterConfirm, NewsletterSubscribe, NewsletterUnsubscribe};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use text::text;

fn check_first_name(s: &str) -> Result<(), crate::validate::FieldError> {
    crate::validate::optional_text(Some(s), 100).map(drop)
}

#[component]
pub fn NewsletterPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let notice = move || {
        let q = query.read();
        if q.get("requested").is_some() {
            Some(t.requested)
        } else if q.get("confirmed").is_some() {
            Some(t.confirmed)
        } else if q.get("unsubscribed").is_some() {
            Some(t.unsubscribed)
        } else {
            None
        }
    };
    view! {
        <Title text=t.title/>
        <section class="newsletter-page">
            <h1>{t.title}</h1>
            {move || notice().map(|n| view! { <p class="notice newsletter-notice" role="status">{n}</p> })}
            <Show when=move || notice().is_none()>
                <p class="intro">{t.intro}</p>
                <SubscribeForm started=form_started()/>
            </Show>
        </section>
    }
}

/// The subscription form, an island: with JS the server's messages show in
/// place; a request sent takes the browser to `?requested=1`.
#[island(lazy)]
fn SubscribeForm(
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let subscribe = ServerAction::<NewsletterSubscribe>::new();
    let server = field_errors(subscribe);
    view! {
        <LazyIslandBody>
            {move || subscribe.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=subscribe attr:class="newsletter-subscribe" attr:novalidate=true>
                <IslandFormGuard started/>
                <Field name="email" label=crate::shop::text::text().email kind="email" required=true autocomplete="email" check=check_email server/>
                <Field name="first_name" label=t.first_name autocomplete="given-name" check=check_first_name server/>
                <p class="hint">{t.privacy_note}</p>
                <button type="submit" class="primary">{t.subscribe}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// The page a mailed link opens: checks the link, then offers the form
/// (`form`, given the token: an island) with its button.
#[component]
fn LinkPage(
    title: &'static str,
    intro: &'static str,
    purpose: &'static str,
    form: fn(String) -> AnyView,
) -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("t").unwrap_or_default();
    let check = Resource::new(token, move |t| newsletter_check_link(t, purpose.to_owned()));
    view! {
        <Title text=title/>
        <section class="newsletter-link">
            <h1>{title}</h1>
            <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
                {move || Suspend::new(async move {
                    match check.await {
                        Ok(()) => view! {
                            <p>{intro}</p>
                            {form(token())}
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The button of a mailed link, an island: the server's refusal (the link
/// used or expired meanwhile) shows above it. Done, the server sends the
/// browser to the newsletter page with its notice.
#[island(lazy)]
fn ConfirmForm(
    /// The mailed link's token.
    token: String,
) -> impl IntoView {
    let action = ServerAction::<NewsletterConfirm>::new();
    view! {
        <LazyIslandBody>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action attr:class="newsletter-confirm">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="primary">{text().confirm_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// As `ConfirmForm`, to end the subscription.
#[island(lazy)]
fn UnsubscribeForm(
    /// The mailed link's token.
    token: String,
) -> impl IntoView {
    let action = ServerAction::<NewsletterUnsubscribe>::new();
    view! {
        <LazyIslandBody>
            {move || action.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action attr:class="newsletter-unsubscribe">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="primary">{text().unsubscribe_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

#[component]
pub fn NewsletterConfirmPage() -> impl IntoView {
    let t = text();
    let form: fn(String) -> AnyView = |token| view! { <ConfirmForm token/> }.into_any();
    view! { <LinkPage title=t.confirm_title intro=t.confirm_intro purpose="confirm" form/> }
}

#[component]
pub fn NewsletterUnsubscribePage() -> impl IntoView {
    let t = text();
    let form: fn(String) -> AnyView = |token| view! { <UnsubscribeForm token/> }.into_any();
    view! { <LinkPage title=t.unsubscribe_title intro=t.unsubscribe_intro purpose="unsubscribe" form/> }
}
