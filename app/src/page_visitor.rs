//! Who is looking at the page, as the header and the cart page show it: a
//! logged-in customer's first name and the cart.
//!
//! Read once per page before the render starts (`ssr::page_visitor`, from
//! the session the request already loads) and handed to the render as a
//! plain value. Issue 13: the header's account link and cart count and the
//! cart page each set up a resource under a `Suspense` for this, and a
//! profile of a rendered page put the resources and their reactive
//! owners at about a third of its time.

use crate::error::AppError;
use crate::shop::models::CartView;

#[derive(Debug, Clone, PartialEq)]
pub struct PageVisitor {
    /// The first name of the logged-in customer, if any.
    pub first_name: Option<String>,
    /// The cart as the cart page shows it; an error (the database away)
    /// is shown there and counts as an empty cart in the header.
    pub cart: Result<CartView, AppError>,
}

impl Default for PageVisitor {
    /// A visitor without a session.
    fn default() -> Self {
        Self {
            first_name: None,
            cart: Ok(CartView::default()),
        }
    }
}

impl PageVisitor {
    /// The visitor of the page being rendered; a visitor without a session
    /// where none was read (in the browser, where only islands run).
    pub fn current() -> Self {
        leptos::prelude::use_context::<Self>().unwrap_or_default()
    }

    /// The number of items in the cart, for the header.
    pub fn cart_count(&self) -> i32 {
        self.cart.as_ref().map_or(0, |cart| cart.item_count)
    }
}
