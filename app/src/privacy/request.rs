//! Privacy requests without an account (issue 17, section 3): the form at
//! `/privacy/request`, the page the mailed link opens
//! (`/privacy/request/confirm?t=…`) and the page after an erasure. Plain
//! form posts, so they work without JavaScript too; the work is in
//! `ssr::services::privacy_request`.
//!
//! Opening the link only shows counts and two forms: mail scanners and
//! link previews open links on their own and must change nothing. The
//! download is a form too (a POST to `/privacy/request/download`), so the
//! link is never in a URL a browser saves as a file's origin.
//!
//! The pages are server HTML; the request form and the erase form are
//! islands that show the server's refusal in place.

use super::api::{privacy_request_holdings, ErasePrivacyData, RequestPrivacyLink};
use super::models::AddressHoldings;
use super::request_text::text;
use crate::forms::{check_email, field_errors, form_started, Field, IslandFormGuard};
use crate::i18n;
use crate::locale::page_href;
use crate::ui::ErrorMessage;
use crate::LazyIslandBody;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// `/privacy/request`: an address in, the same answer out for every
/// address (`?sent=1` after the post).
#[component]
pub fn PrivacyRequestPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let sent = move || query.read().get("sent").is_some();
    view! {
        <Title text=t.title/>
        <section class="privacy-request">
            <h1>{t.title}</h1>
            {move || sent().then(|| view! { <p class="notice" role="status">{t.sent}</p> })}
            <p class="intro">{t.intro}</p>
            <RequestForm started=form_started()/>
        </section>
    }
}

/// The address form, an island: with JS the server's messages show in
/// place; a request sent takes the browser to `?sent=1`.
#[island(lazy)]
fn RequestForm(
    /// The form's signed start time (`forms::form_started`).
    started: Option<String>,
) -> impl IntoView {
    let t = text();
    let request = ServerAction::<RequestPrivacyLink>::new();
    view! {
        <LazyIslandBody>
            {move || request.value().get().and_then(Result::err).filter(|e| e.fields().is_none()).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=request attr:class="privacy-request-form" attr:novalidate=true>
                <IslandFormGuard started/>
                <Field name="email" label=crate::shop::text::text().email kind="email" required=true check=check_email autocomplete="email" server=field_errors(request)/>
                <button type="submit" class="primary">{t.button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// The counts of what an address holds.
#[component]
fn Holdings(held: AddressHoldings) -> impl IntoView {
    let t = text();
    let yes_no = move |b: bool| if b { t.yes } else { t.no };
    view! {
        <p>{t.holdings_intro}</p>
        <dl class="privacy-holdings">
            <dt>{t.records}</dt><dd class="records">{held.records}</dd>
            <dt>{t.account}</dt><dd class="account">{yes_no(held.has_account)}</dd>
            <dt>{t.orders}</dt><dd class="orders">{held.orders}</dd>
            <dt>{t.bookings}</dt><dd class="bookings">{held.bookings}</dd>
            <dt>{t.questions}</dt><dd class="questions">{held.questions}</dd>
            <dt>{t.newsletter}</dt><dd class="newsletter">{yes_no(held.newsletter)}</dd>
        </dl>
    }
}

/// `/privacy/request/confirm?t=…`: the mailed link. Shows what the address
/// holds and offers the download and the erasure (with a box to tick).
#[component]
pub fn PrivacyRequestConfirmPage() -> impl IntoView {
    let t = text();
    let query = use_query_map();
    let token = move || query.read().get("t").unwrap_or_default();
    let held = Resource::new(token, privacy_request_holdings);
    let ask_again =
        move || view! { <p><a href=page_href("/privacy/request")>{t.ask_again}</a></p> };
    view! {
        <Title text=t.confirm_title/>
        <section class="privacy-request-confirm">
            <h1>{t.confirm_title}</h1>
            <Suspense fallback=|| view! { <p>{i18n::layout().loading}</p> }>
                {move || Suspend::new(async move {
                    match held.await {
                        Ok(held) => view! {
                            <Holdings held/>
                            <h2>{t.download_title}</h2>
                            <p class="hint">{t.download_hint}</p>
                            <form method="post" action="/privacy/request/download" class="privacy-download">
                                <input type="hidden" name="t" value=token/>
                                <button type="submit">{t.download_button}</button>
                            </form>
                            <h2>{t.erase_title}</h2>
                            <p class="warning">{t.erase_warning}</p>
                            <EraseForm token=token()/>
                        }.into_any(),
                        Err(e) => view! { <ErrorMessage error=e/> {ask_again()} }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

/// The erase form, an island: the server's refusal shows in place; done,
/// the server sends the browser to `/privacy/request/erased`.
#[island(lazy)]
fn EraseForm(
    /// The mailed link's token.
    token: String,
) -> impl IntoView {
    let t = text();
    let erase = ServerAction::<ErasePrivacyData>::new();
    view! {
        <LazyIslandBody>
            {move || erase.value().get().and_then(Result::err).map(|e| view! { <ErrorMessage error=e/> })}
            <ActionForm action=erase attr:class="privacy-erase">
                <input type="hidden" name="token" value=token/>
                <label class="checkbox">
                    <input type="checkbox" name="confirm" value="on" required/>
                    {t.erase_confirm}
                </label>
                <button type="submit" class="danger">{t.erase_button}</button>
            </ActionForm>
        </LazyIslandBody>
    }
}

/// `/privacy/request/erased`: after the erasure.
#[component]
pub fn PrivacyRequestErasedPage() -> impl IntoView {
    let t = text();
    view! {
        <Title text=t.erased_title/>
        <h1>{t.erased_title}</h1>
        <p class="notice" role="status">{t.erased_body}</p>
        <a href=page_href("/")>{crate::shop::text::text().back_to_shop}</a>
    }
}
