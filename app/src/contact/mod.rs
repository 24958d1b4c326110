//! The contact / interest form at `/contact` (AVG-2, AVG-3). The page is
//! server HTML; the form is an island (`ContactForm`).

pub mod api;
pub mod rules;
pub mod text;

use crate::account::api::whoami;
use crate::forms::{
    check_email, check_name, check_optional_150, check_optional_phone, field_errors, form_started,
    Field, FieldMessage, IslandFormGuard,
};
use crate::i18n;
use crate::locale::page_href;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use api::SendQuestion;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use text::text;

/// The form, an island: with JS the server's messages show in place; a
/// question sent takes the browser to the thank-you (`?sent=1`).
#[island(lazy)]
fn ContactForm(
    /// A logged-in customer's details are known: only the question is asked.
    logged_in: bool,
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let shop = crate::shop::text::text();
    let send = ServerAction::<SendQuestion>::new();
    let server = field_errors(send);
    let none = RwSignal::new(None);
    view! {
        <LazyIslandBody>
            {move || {
                send.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })
            }}
            <ActionForm action=send attr:class="contact" attr:novalidate=true>
                <IslandFormGuard started/>
                {(!logged_in).then(|| view! {
                    <fieldset>
                        <legend>{shop.your_details}</legend>
                        <Field name="first_name" label=shop.first_name required=true autocomplete="given-name" check=check_name server/>
                        <Field name="last_name" label=shop.last_name required=true autocomplete="family-name" check=check_name server/>
                        <Field name="email" label=shop.email kind="email" required=true autocomplete="email" check=check_email server/>
                        <Field name="phone" label=shop.phone kind="tel" autocomplete="tel" check=check_optional_phone server/>
                        <Field name="company_name" label=shop.company_name autocomplete="organization" check=check_optional_150 server/>
                    </fieldset>
                })}
                <label class="field" class:invalid=move || server.with(|e| e.as_ref().is_some_and(|e| e.get("question").is_some()))>
                    <span class="label">{t.question}</span>
                    <textarea name="question" id="question" rows="8" required aria-describedby="question-error" maxlength=rules::QUESTION_MAX></textarea>
                    <FieldMessage name="question" local=none server/>
                </label>
                <p class="hint">{t.privacy_note} " " <a href=page_href("/privacy")>{t.privacy_link}</a></p>
                <button type="submit" class="primary">{t.send}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

#[component]
pub fn ContactPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    let me = Resource::new(|| (), |_| whoami());
    view! {
        <Title text=t.title/>
        <section class="contact-page">
            <Show
                when=sent
                fallback=move || view! {
                    <h1>{t.title}</h1>
                    <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
                        {move || Suspend::new(async move {
                            match me.await {
                                Ok(who) => {
                                    let logged_in = who.is_some();
                                    view! {
                                        <p class="intro">{if logged_in { t.logged_in_intro } else { t.intro }}</p>
                                        <ContactForm logged_in started=form_started()/>
                                    }
                                        .into_any()
                                }
                                Err(e) => view! { <ErrorMessage error=e/> }.into_any(),
                            }
                        })}
                    </Suspense>
                }
            >
                <h1>{t.thanks_title}</h1>
                <p class="notice thanks" role="status">{t.thanks_body}</p>
                <p>
                    <a href=page_href("/contact")>{t.another}</a>
                    " · "
                    <a href=page_href("/")>{crate::shop::text::text().back_to_shop}</a>
                </p>
            </Show>
        </section>
    }
}
