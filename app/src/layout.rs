//! The page frame: header, footer, 404. Server HTML, but for the header's
//! two islands: the account link and the cart count, which follow a
//! change made on the page (a new name saved, something added to the
//! cart) without a reload.

use crate::i18n::layout;
use crate::locale::page_href;
use crate::locale::Locale;
use crate::page_visitor::PageVisitor;
use crate::shop::on_cart_change;
use crate::ui::refetch_on;
use leptos::prelude::*;
use leptos_meta::Title;

/// Rendered anew with every page: there is no navigation inside the app,
/// so who is logged in and what is in the cart are read for each page
/// (before the render: `PageVisitor`).
#[component]
pub fn Header() -> impl IntoView {
    let t = layout();
    let visitor = PageVisitor::current();
    let count = visitor.cart_count();
    view! {
        <header class="site-header">
            <a href=page_href("/") class="logo">{t.shop_name}</a>
            <span class="tagline">{t.tagline}</span>
            <nav>
                <a href=page_href("/")>{t.catalog}</a>
                <a href=page_href("/bookings") class="bookings-link">{crate::booking::text::text().header_link}</a>
                <AccountLink name=visitor.first_name/>
                <LanguageSwitch/>
                <a href=page_href("/cart") class="cart-link">
                    {t.cart}
                    " "
                    <CartCount count/>
                </a>
            </nav>
        </header>
    }
}

/// "Mijn account (name)" for a logged-in customer, else the login link.
/// An island: it asks again when "Mijn account" saves a new name
/// (`account_changed`).
#[island]
fn AccountLink(
    /// The first name of who is logged in, as the server read it.
    name: Option<String>,
) -> impl IntoView {
    let shown = RwSignal::new(name);
    refetch_on(
        crate::account::account_changed(),
        crate::account::api::whoami,
        move |me| {
            if let Ok(name) = me {
                shown.set(name);
            }
        },
    );
    let t = crate::account::text::text();
    move || match shown.get() {
        Some(name) => view! {
            <a href=page_href("/account") class="account-link">{t.account_title} " (" {name} ")"</a>
        }
        .into_any(),
        None => {
            view! { <a href=page_href("/login") class="account-link">{t.login_link}</a> }.into_any()
        }
    }
}

/// The number of items in the cart, in the header's cart link. An island:
/// it follows every change to the cart made on the page.
#[island]
fn CartCount(
    /// As the server read it for the page.
    count: i32,
) -> impl IntoView {
    let shown = RwSignal::new(count);
    on_cart_change(move |cart| shown.set(cart.item_count));
    view! { <span class="cart-count" data-testid="cart-count">{shown}</span> }
}

/// The same page in the other language: a whole new page.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let other = Locale::current().other();
    let location = leptos_router::hooks::use_location();
    let href = other.same_page(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
    );
    view! {
        <a href=href rel="alternate" hreflang=other.as_str() lang=other.as_str()
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
                <a href=page_href("/privacy")>{t.privacy_link}</a>
                " · "
                // The content page's slug is Dutch in both languages.
                <a href=page_href("/over-ons")>{t.about_link}</a>
                " · "
                <a href=page_href("/voorwaarden")>{t.terms_link}</a>
                " · "
                <a href=page_href("/retourneren")>{t.returns_link}</a>
                " · "
                <a href=page_href("/contact")>{crate::contact::text::text().footer_link}</a>
                " · "
                <a href=page_href("/newsletter")>{crate::newsletter::text::text().footer_link}</a>
            </p>
        </footer>
    }
}

/// Shown for unknown routes and missing records; answers 404 on the server.
/// A plain link home: it is also rendered inside the CMS island's router.
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
            <a href=page_href("/")>{t.catalog}</a>
        </section>
    }
}
