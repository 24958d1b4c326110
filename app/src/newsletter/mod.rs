//! The newsletter pages: subscribe at `/newsletter`, confirm at
//! `/newsletter/confirm`, unsubscribe at `/newsletter/unsubscribe`.
//!
//! Following a link in a mail only shows a button; the button changes the
//! subscription. Mail scanners and link previews open links on their own,
//! and must not confirm (or end) anyone's subscription.

pub mod api;
pub mod rules;
pub mod text;

use crate::error::AppError;
use crate::forms::{check_email, field_errors, Field};
use crate::i18n;
use crate::ui::ErrorMessage;
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
    let subscribe = ServerAction::<NewsletterSubscribe>::new();
    let server = field_errors(subscribe);
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
                {move || subscribe.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
                <ActionForm action=subscribe attr:class="newsletter-subscribe" attr:novalidate=true>
                    <crate::forms::FormGuard/>
                    <Field name="email" label=crate::shop::text::text().email kind="email" required=true autocomplete="email" check=check_email server/>
                    <Field name="first_name" label=t.first_name autocomplete="given-name" check=check_first_name server/>
                    <p class="hint">{t.privacy_note}</p>
                    <button type="submit" class="primary">{t.subscribe}</button>
                </ActionForm>
            </Show>
        </section>
    }
}

/// The page a mailed link opens: checks the link, then offers the form
/// (`form`, given the token) with its button.
#[component]
fn LinkPage(
    title: &'static str,
    intro: &'static str,
    purpose: &'static str,
    failure: Signal<Option<AppError>>,
    form: Callback<String, AnyView>,
) -> impl IntoView {
    let query = use_query_map();
    let token = move || query.read().get("t").unwrap_or_default();
    let check = Resource::new(token, move |t| newsletter_check_link(t, purpose.to_owned()));
    view! {
        <Title text=title/>
        <section class="newsletter-link">
            <h1>{title}</h1>
            {move || failure.get().map(|e| view! { <ErrorMessage error=e/> })}
            <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
                {move || Suspend::new(async move {
                    match check.await {
                        Ok(()) => view! {
                            <p>{intro}</p>
                            {form.run(token())}
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn NewsletterConfirmPage() -> impl IntoView {
    let t = text();
    let action = ServerAction::<NewsletterConfirm>::new();
    let failure = Signal::derive(move || action.value().get().and_then(Result::err));
    let form = Callback::new(move |token: String| {
        view! {
            <ActionForm action attr:class="newsletter-confirm">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="primary">{t.confirm_button}</button>
            </ActionForm>
        }
        .into_any()
    });
    view! { <LinkPage title=t.confirm_title intro=t.confirm_intro purpose="confirm" failure form/> }
}

#[component]
pub fn NewsletterUnsubscribePage() -> impl IntoView {
    let t = text();
    let action = ServerAction::<NewsletterUnsubscribe>::new();
    let failure = Signal::derive(move || action.value().get().and_then(Result::err));
    let form = Callback::new(move |token: String| {
        view! {
            <ActionForm action attr:class="newsletter-unsubscribe">
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="primary">{t.unsubscribe_button}</button>
            </ActionForm>
        }
        .into_any()
    });
    view! { <LinkPage title=t.unsubscribe_title intro=t.unsubscribe_intro purpose="unsubscribe" failure form/> }
}
