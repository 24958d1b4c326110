//! Winkel: the shop's components, routes, server functions and the types
//! they share between browser and server.
//!
//! `ssr` builds the server half (database, sessions); `hydrate` the browser
//! half. They are mutually exclusive.

#[cfg(all(feature = "ssr", feature = "hydrate"))]
compile_error!("features `ssr` and `hydrate` are mutually exclusive");

pub mod account;
pub mod assets;
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
pub mod page_visitor;
pub mod privacy;
pub mod shared_part;
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
use cms::CmsPage;
use contact::ContactPage;
use content::{ContentPage, PrivacyPage};
use layout::{Footer, Header, NotFound};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::{path, SsrMode};
use locale::Locale;
use newsletter::{NewsletterConfirmPage, NewsletterPage, NewsletterUnsubscribePage};
use privacy::{PrivacyRequestConfirmPage, PrivacyRequestErasedPage, PrivacyRequestPage};
use shop::{CartPage, CheckoutPage, HomePage, OrderPage, ProductPage};

/// The browser half: wakes the islands, the interactive parts of a page (the
/// rest is server HTML and has no code in the browser).
///
/// Islands have no router above them, so the error of a form posted without
/// JavaScript (which the server put in the address as `__err`/`__path`) is
/// handed to their actions here, as the router does on the server. The
/// end-to-end tests' "page is live" marker (`data-hydrated` on `<body>`) is
/// set once the eager islands have hydrated (the loader, which wakes them
/// one task at a time after this call, then sends [`ISLANDS_AWAKE`]),
/// unless the page holds a lazy island: that sets it itself once its code
/// has arrived (`LazyIslandBody`).
#[cfg(feature = "hydrate")]
pub fn hydrate_islands() {
    // Sets the root owner every island hangs from; the context below goes
    // on it, so it comes first.
    leptos::mount::hydrate_islands();
    let search = window().location().search().unwrap_or_default();
    if let Ok(params) = web_sys::UrlSearchParams::new_with_str(&search) {
        if let (Some(err), Some(path)) = (params.get("__err"), params.get("__path")) {
            provide_context(ServerActionError::new(&path, &err));
        }
    }
    // For the life of the page: the handle is not removed.
    let _ = window_event_listener_untyped(ISLANDS_AWAKE, |_| {
        EAGER_ISLANDS_AWAKE.set(true);
        mark_live_unless_waiting();
    });
}

/// The window event `islands_loader.js` sends once it has woken every
/// island the page was served with.
pub const ISLANDS_AWAKE: &str = "winkel-islands-awake";

#[cfg(feature = "hydrate")]
thread_local! {
    /// Whether [`ISLANDS_AWAKE`] has come: a lazy island that hydrates
    /// first does not call the page live while others still sleep.
    static EAGER_ISLANDS_AWAKE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// The attribute a lazy island's outermost element carries (empty until
/// the island has hydrated, then `live`), so that the page waits for it
/// before it calls itself live. `LazyIslandBody` writes it.
pub const LAZY_ISLAND: &str = "data-lazy-island";

/// The body of a lazy island: an element carrying [`LAZY_ISLAND`], so the
/// page waits for the island's chunk before it calls itself live, and the
/// effect that marks it hydrated and calls the page live once no lazy
/// island on it is still waiting for its chunk.
#[component]
pub fn LazyIslandBody(
    /// A class for the element, for the page's style.
    #[prop(optional)]
    class: &'static str,
    children: Children,
) -> impl IntoView {
    let body = NodeRef::<leptos::html::Div>::new();
    // Effects run only in the browser, after hydration.
    Effect::new(move |_| {
        if let Some(body) = body.get() {
            let _ = body.set_attribute(LAZY_ISLAND, "live");
        }
        mark_live_unless_waiting();
    });
    view! { <div class=class data-lazy-island="" node_ref=body>{children()}</div> }
}

/// Marks the page live for the end-to-end tests once every island on it
/// has hydrated (the loader woke them all and no lazy island still waits
/// for its chunk), so that a click is handled by the app and not lost.
fn mark_live_unless_waiting() {
    #[cfg(feature = "hydrate")]
    {
        if !EAGER_ISLANDS_AWAKE.get() {
            return;
        }
        let waiting = document()
            .query_selector(&format!("[{LAZY_ISLAND}=\"\"]"))
            .ok()
            .flatten();
        if let (None, Some(body)) = (waiting, document().body()) {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    }
}

/// The signal of a `$wrapper(pub RwSignal<usize>)` that the islands of one
/// page share to tell each other that something changed (the cart, the
/// account's name). Islands share no reactive owner in the browser, so there
/// it is one signal for the page (a page is one load); on the server one per
/// request, in the request's context.
#[macro_export]
macro_rules! page_signal {
    ($wrapper:ident) => {{
        #[cfg(feature = "hydrate")]
        {
            thread_local! {
                static PAGE: ::leptos::prelude::ArcRwSignal<usize> =
                    ::leptos::prelude::ArcRwSignal::new(0);
            }
            ::leptos::prelude::RwSignal::from(PAGE.with(Clone::clone))
        }
        #[cfg(not(feature = "hydrate"))]
        {
            match ::leptos::prelude::use_context::<$wrapper>() {
                Some($wrapper(signal)) => signal,
                None => {
                    let signal = ::leptos::prelude::RwSignal::new(0);
                    ::leptos::prelude::provide_context($wrapper(signal));
                    signal
                }
            }
        }
    }};
}

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
                <link id="leptos" rel="stylesheet" href=assets::stylesheet_href(&options)/>
                <assets::IslandScripts options/>
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
        let in_cms = cms::is_cms_path(page);
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
    // The CMS has its own navigation; the shop's header is for customers.
    // Read once, not followed: the frame is server HTML, and a page never
    // navigates to another inside the app.
    let path = leptos_router::hooks::use_location()
        .pathname
        .get_untracked();
    let in_cms = cms::is_cms_path(Locale::strip(&path));
    // The CMS is Dutch only (staff are the shop's own people); there is no
    // `/en/cms`.
    if Locale::current() == Locale::En && in_cms {
        return view! { <Header/><main><NotFound/></main><Footer/> }.into_any();
    }
    view! {
            {(!in_cms).then(|| view! { <Header/> })}
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
                    // The CMS is one island with its own router (`cms::CmsPage`):
                    // an app for staff, whose code the shop's visitors never load.
                    <Route path=path!("/cms") view=CmsPage ssr=SsrMode::Async/>
                    <Route path=path!("/cms/*any") view=CmsPage ssr=SsrMode::Async/>
                    // Content pages written in the CMS; their slugs never
                    // take a path above (see `content::RESERVED_SLUGS`).
                    <Route path=path!("/:slug") view=ContentPage ssr=SsrMode::Async/>
                </Routes>
            </main>
            <Footer/>
    }
    .into_any()
}
