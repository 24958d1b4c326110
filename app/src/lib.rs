//! Winkel: the shop's components, routes, server functions and the types
//! they share between browser and server.
//!
//! `ssr` builds the server half (database, sessions); `hydrate` the browser
//! half. They are mutually exclusive.

#[cfg(all(feature = "ssr", feature = "hydrate"))]
compile_error!("features `ssr` and `hydrate` are mutually exclusive");

pub mod account;
pub mod booking;
pub mod clock;
pub mod cms;
pub mod contact;
pub mod content;
pub mod customer;
pub mod error;
pub mod forms;
pub mod i18n;
pub mod invoice;
pub mod layout;
pub mod locale;
pub mod money;
pub mod newsletter;
pub mod privacy;
pub mod shop;
mod stored;
pub mod ui;
pub mod validate;

#[cfg(test)]
mod hostile_input;

#[cfg(feature = "ssr")]
pub mod ssr;

use account::{
    AccountDeletedPage, AccountOrderPage, AccountPage, ConfirmEmailChangePage, DeleteAccountPage,
    ForgotPasswordPage, LoginPage, LogoutPage, RegisterPage, ResetPasswordPage,
};
use booking::{BookablePage, BookablesPage, BookingConfirmedPage};
use cms::{
    CmsAuditPage, CmsBookablePage, CmsBookablesPage, CmsBookingPage, CmsBookingsPage,
    CmsCatalogPage, CmsCustomerPage, CmsCustomersPage, CmsDashboard, CmsLoginCodePage,
    CmsLoginPage, CmsOrderPage, CmsOrdersPage, CmsPagePage, CmsPagesPage, CmsPasswordPage,
    CmsProductPage, CmsQuestionPage, CmsQuestionsPage, CmsSecurityPage, CmsSettingsPage, CmsShell,
    CmsShippingPage, CmsStaffPage,
};
use contact::ContactPage;
use content::{ContentPage, PrivacyPage};
use layout::{Footer, Header, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, MetaTags, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::{path, SsrMode};
use locale::Locale;
use newsletter::{NewsletterConfirmPage, NewsletterPage, NewsletterUnsubscribePage};
use privacy::{PrivacyRequestConfirmPage, PrivacyRequestErasedPage, PrivacyRequestPage};
use shop::{CartChanged, CartPage, CheckoutPage, HomePage, OrderPage, ProductPage};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    let locale = request_locale();
    view! {
        <!DOCTYPE html>
        <html lang=locale.as_str()>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <AutoReload options=options.clone()/>
                // Under its hashed name in a release build (hash-files),
                // which only the server knows: so here, not in `App`.
                <HashedStylesheet options=options.clone() id="leptos"/>
                <HydrationScripts options/>
                <LanguageAlternates/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// The language of the page being rendered: on the server from the
/// request's path, in the browser from the page's.
fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .map(|parts| Locale::from_path(parts.uri.path()))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        Locale::current()
    }
}

/// `hreflang` links to this page in each language, for search engines
/// (absolute, as they want them). Rendered on the server only, in the
/// document's head; the CMS has none (it is Dutch only).
#[component]
fn LanguageAlternates() -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        let public_url = use_context::<ssr::AppState>()
            .map(|state| state.config.public_url.trim_end_matches('/').to_string())
            .unwrap_or_default();
        let uri = use_context::<http::request::Parts>()
            .map(|parts| parts.uri)
            .unwrap_or_default();
        let page = Locale::strip(uri.path());
        let in_cms = page == "/cms" || page.starts_with("/cms/");
        (!in_cms).then(|| {
            Locale::ALL
                .iter()
                .map(|locale| {
                    let href = locale.same_page(uri.path(), uri.query().unwrap_or_default());
                    view! { <link rel="alternate" hreflang=locale.as_str() href=format!("{public_url}{href}")/> }
                })
                .collect_view()
        })
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    let locale = request_locale();
    // `Locale::current` reads it on the server. With the base `/en` the
    // router matches the English paths, navigates inside them (every link
    // names its language: `locale::page_href`) and leaves a link to the
    // other language to the browser (a full load: the whole page changes
    // language).
    provide_context(locale);
    // Effects run only in the browser, after hydration: a marker for the
    // end-to-end tests, which must not click before the page is live.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });
    view! {
        <Title text="Winkel"/>
        // Every route renders asynchronously: the full page with its data in one
        // response, so that it works without JavaScript and a missing record
        // can answer 404.
        <Router base=locale.base().unwrap_or_default()>
            <Frame/>
        </Router>
    }
}

/// Everything inside the router: header, routes, footer.
#[component]
fn Frame() -> impl IntoView {
    provide_context(CartChanged(RwSignal::new(0)));
    provide_context(account::AccountChanged(RwSignal::new(0)));
    // The CMS has its own navigation; the shop's header is for customers.
    let location = leptos_router::hooks::use_location();
    let in_cms = move || Locale::strip(&location.pathname.get()).starts_with("/cms");
    // The CMS is Dutch only (staff are the shop's own people); there is no
    // `/en/cms`.
    if Locale::current() == Locale::En && in_cms() {
        return view! { <Header/><main><NotFound/></main><Footer/> }.into_any();
    }
    view! {
            <Show when=move || !in_cms()>
                <Header/>
            </Show>
            <main>
                <Routes fallback=|| view! { <NotFound/> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/products/:slug") view=ProductPage ssr=SsrMode::Async/>
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async/>
                    <Route path=path!("/checkout") view=CheckoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/orders/:token") view=OrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings") view=BookablesPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/confirmed/:token") view=BookingConfirmedPage ssr=SsrMode::Async/>
                    <Route path=path!("/bookings/:slug") view=BookablePage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async/>
                    <Route path=path!("/logout") view=LogoutPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/orders/:token") view=AccountOrderPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/delete") view=DeleteAccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/deleted") view=AccountDeletedPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/email") view=ConfirmEmailChangePage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password/forgot") view=ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/password/reset") view=ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy") view=PrivacyPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy/request") view=PrivacyRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy/request/confirm") view=PrivacyRequestConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/privacy/request/erased") view=PrivacyRequestErasedPage ssr=SsrMode::Async/>
                    <Route path=path!("/contact") view=ContactPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter") view=NewsletterPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/confirm") view=NewsletterConfirmPage ssr=SsrMode::Async/>
                    <Route path=path!("/newsletter/unsubscribe") view=NewsletterUnsubscribePage ssr=SsrMode::Async/>
                    <Route path=path!("/cms/login") view=CmsLoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/cms/login/code") view=CmsLoginCodePage ssr=SsrMode::Async/>
                    <ParentRoute path=path!("/cms") view=CmsShell ssr=SsrMode::Async>
                        <Route path=path!("") view=CmsDashboard/>
                        <Route path=path!("customers") view=CmsCustomersPage/>
                        <Route path=path!("customers/:id") view=CmsCustomerPage/>
                        <Route path=path!("orders") view=CmsOrdersPage/>
                        <Route path=path!("orders/:id") view=CmsOrderPage/>
                        <Route path=path!("bookings") view=CmsBookingsPage/>
                        <Route path=path!("bookings/:id") view=CmsBookingPage/>
                        <Route path=path!("bookables") view=CmsBookablesPage/>
                        <Route path=path!("bookables/:id") view=CmsBookablePage/>
                        <Route path=path!("questions") view=CmsQuestionsPage/>
                        <Route path=path!("questions/:id") view=CmsQuestionPage/>
                        <Route path=path!("staff") view=CmsStaffPage/>
                        <Route path=path!("audit") view=CmsAuditPage/>
                        <Route path=path!("settings") view=CmsSettingsPage/>
                        <Route path=path!("password") view=CmsPasswordPage/>
                        <Route path=path!("security") view=CmsSecurityPage/>
                        <Route path=path!("catalog") view=CmsCatalogPage/>
                        <Route path=path!("shipping") view=CmsShippingPage/>
                        <Route path=path!("catalog/products/:id") view=CmsProductPage/>
                        <Route path=path!("pages") view=CmsPagesPage/>
                        <Route path=path!("pages/:id") view=CmsPagePage/>
                    </ParentRoute>
                    // Content pages written in the CMS; their slugs never
                    // take a path above (see `content::RESERVED_SLUGS`).
                    <Route path=path!("/:slug") view=ContentPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
    }
    .into_any()
}
