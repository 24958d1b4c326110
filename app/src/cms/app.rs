//! The CMS as one lazy island with its own router: an app for staff that
//! moves between its screens without page loads, and whose code is a chunk
//! of its own (`cargo leptos build --split`) that the shop's visitors never
//! download. The server renders it inside the shop's router; in the browser
//! only this router runs, and it sees every link on the page: one out of
//! `/cms` is loaded as the page it is (`OutsideTheCms`). The router has no
//! base: a base would make it resolve the CMS's absolute paths (its
//! redirect, its search forms) against `/cms` once more.

use super::{
    CmsAuditPage, CmsBookablePage, CmsBookablesPage, CmsBookingPage, CmsBookingsPage,
    CmsCatalogPage, CmsCustomerPage, CmsCustomersPage, CmsDashboard, CmsLoginCodePage,
    CmsLoginPage, CmsOrderPage, CmsOrdersPage, CmsPagePage, CmsPagesPage, CmsPasswordPage,
    CmsProductPage, CmsQuestionPage, CmsQuestionsPage, CmsSecurityPage, CmsSettingsPage, CmsShell,
    CmsShippingPage, CmsStaffPage,
};
use crate::layout::NotFound;
use crate::LazyIslandBody;
use leptos::prelude::*;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

/// The CMS page as the shop's router renders it on the server.
///
/// Leptos turns hydration on on the server only while an island's own body
/// runs; the CMS island's screens render later, asynchronously, under its
/// router. Without this their data would not be sent along with the page
/// and their hydration markers not written, and the browser's hydration
/// would panic. The page holds no other island (the shop's header is not
/// shown in the CMS), so hydration simply stays on for the rest of it.
#[component]
pub fn CmsPage() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(context) = Owner::current_shared_context() {
        context.set_is_hydrating(true);
    }
    view! { <CmsApp/> }
}

#[island(lazy)]
fn CmsApp() -> impl IntoView {
    // The island's own head context in the browser (its screens set the
    // title); on the server the document's.
    #[cfg(feature = "hydrate")]
    leptos_meta::provide_meta_context();
    view! {
        <LazyIslandBody class="cms-app">
            <Router>
                <Routes fallback=OutsideTheCms>
                    <Route path=path!("/cms/login") view=CmsLoginPage/>
                    <Route path=path!("/cms/login/code") view=CmsLoginCodePage/>
                    <ParentRoute path=path!("/cms") view=CmsShell>
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
                </Routes>
            </Router>
        </LazyIslandBody>
    }
}

/// What the CMS router shows for a path it has no screen for: a CMS
/// address that does not exist (the 404 page), or a link out of the CMS
/// (to the shop, in the footer), which the browser then loads whole.
#[component]
fn OutsideTheCms() -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        let path = window().location().pathname().unwrap_or_default();
        if !super::is_cms_path(&path) {
            let _ = window().location().reload();
        }
    }
    view! { <NotFound/> }
}
