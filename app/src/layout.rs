//! The page frame: header with the reactive cart count, footer, 404.

use crate::i18n::layout;
use crate::locale::page_href;
use crate::locale::Locale;
use crate::shop::cart_resource;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn Header() -> impl IntoView {
    let t = layout();
    let cart = cart_resource();
    // Refetched on every navigation (logging in or out changes it) and when
    // "Mijn account" saves a new name.
    let location = leptos_router::hooks::use_location();
    let changed = crate::account::account_changed();
    let me = Resource::new(
        move || (location.pathname.get(), changed.get()),
        |_| crate::account::api::whoami(),
    );
    let account = move || {
        Suspend::new(async move {
            match me.await {
                Ok(Some(name)) => view! { <A href=page_href("/account") attr:class="account-link">{crate::account::text::text().account_title} " (" {name} ")"</A> }.into_any(),
                _ => view! { <A href=page_href("/login") attr:class="account-link">{crate::account::text::text().login_link}</A> }.into_any(),
            }
        })
    };
    let count = move || Suspend::new(async move { cart.await.map(|c| c.item_count).unwrap_or(0) });
    view! {
        <header class="site-header">
            <A href=page_href("/") attr:class="logo">{t.shop_name}</A>
            <span class="tagline">{t.tagline}</span>
            <nav>
                <A href=page_href("/")>{t.catalog}</A>
                <A href=page_href("/bookings") attr:class="bookings-link">{crate::booking::text::text().header_link}</A>
                <Transition fallback=|| ()>{account}</Transition>
                <LanguageSwitch/>
                <A href=page_href("/cart") attr:class="cart-link">
                    {t.cart}
                    " "
                    <Transition fallback=|| view! { <span class="cart-count">"0"</span> }>
                        <span class="cart-count" data-testid="cart-count">{count}</span>
                    </Transition>
                </A>
            </nav>
        </header>
    }
}

/// The same page in the other language. A plain link the router leaves to
/// the browser (`rel="external"`): the other language is a whole new page.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let other = Locale::current().other();
    let location = leptos_router::hooks::use_location();
    let href = move || other.same_page(&location.pathname.get(), &location.search.get());
    view! {
        <a href=href rel="external alternate" hreflang=other.as_str() lang=other.as_str()
            class="language-switch" data-testid="language-switch">{other.own_name()}</a>
    }
}

#[component]
pub fn Footer() -> impl IntoView {
    let t = layout();
    view! {
        <footer class="site-footer">
            <p>{t.footer}</p>
            <p>
                <A href=page_href("/privacy")>{t.privacy_link}</A>
                " · "
                // The content page's slug is Dutch in both languages.
                <A href=page_href("/over-ons")>{t.about_link}</A>
                " · "
                <A href=page_href("/voorwaarden")>{t.terms_link}</A>
                " · "
                <A href=page_href("/retourneren")>{t.returns_link}</A>
                " · "
                <A href=page_href("/contact")>{crate::contact::text::text().footer_link}</A>
                " · "
                <A href=page_href("/newsletter")>{crate::newsletter::text::text().footer_link}</A>
            </p>
        </footer>
    }
}

/// Shown for unknown routes and missing records; answers 404 on the server.
#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        options.set_status(http::StatusCode::NOT_FOUND);
    }
    let t = layout();
    view! {
        <Title text=t.not_found_title/>
        <section class="not-found">
            <h1>{t.not_found_title}</h1>
            <p>{t.not_found_body}</p>
            <A href=page_href("/")>{t.catalog}</A>
        </section>
    }
}
