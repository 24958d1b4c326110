//! Invoice PDFs: the customer's (the order's or booking's secret token is
//! the key, as for its page) and the CMS's (the right that shows the
//! order or booking, checked here on the server; the read is audited).
//! Plain handlers, not Leptos routes: the answer is a file. Each customer
//! path also answers under `/en` (the invoice is written in the order's own
//! language whichever path asked).

use super::middleware::with_cookie;
use app::cms::rules::Right;
use app::error::AppError;
use app::ssr::services::invoices::{self, Of};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

/// The invoice routes, to merge into the application's.
pub(super) fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for base in ["", "/en"] {
        router = router
            .route(&format!("{base}/orders/{{token}}/invoice.pdf"), get(order))
            .route(
                &format!("{base}/bookings/confirmed/{{token}}/invoice.pdf"),
                get(booking),
            );
    }
    router
        .route("/cms/orders/{id}/invoice.pdf", get(cms_order))
        .route("/cms/bookings/{id}/invoice.pdf", get(cms_booking))
}

async fn order(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    pdf(invoices::pdf_for_order_token(&state.db, &token).await)
}

async fn booking(State(state): State<AppState>, Path(token): Path<String>) -> Response {
    pdf(invoices::pdf_for_booking_token(&state.db, &token).await)
}

async fn cms_order(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    staff_pdf(&state, &headers, Right::OrdersView, Of::Order(id)).await
}

async fn cms_booking(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    staff_pdf(&state, &headers, Right::BookingsView, Of::Booking(id)).await
}

async fn staff_pdf(state: &AppState, headers: &HeaderMap, right: Right, of: Of) -> Response {
    let Some(app::ssr::staff_auth::Live {
        member,
        refreshed_cookie,
    }) = app::ssr::staff_auth::from_headers(state, headers).await
    else {
        return Redirect::to("/cms/login").into_response();
    };
    if member.must_change_password || !member.allows(right) {
        return AppError::Forbidden.into_response();
    }
    let mut res = pdf(invoices::pdf_for_staff(&state.db, member.id, of).await);
    with_cookie(&mut res, refreshed_cookie.as_deref());
    res
}

/// The PDF, shown in the browser, saved as `factuur-000123.pdf`; kept by
/// no cache (`assets::cache_policy`: these paths are private).
fn pdf(found: Result<(i64, Vec<u8>), AppError>) -> Response {
    let (number, bytes) = match found {
        Ok(found) => found,
        Err(e) => return e.into_response(),
    };
    let name = format!(
        "inline; filename=\"factuur-{}.pdf\"",
        app::invoice::rules::format_number(number)
    );
    let mut res = bytes.into_response();
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    if let Ok(value) = HeaderValue::from_str(&name) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    res
}
