//! "Who saw this customer's data?" as a download (GDPR Art. 15): every
//! audit entry that showed the customer's data, for the owner to hand to
//! the customer who asks. Owner only, checked here on the server; the
//! download is itself audited (`audit.export`). A plain handler, not a
//! Leptos route: the answer is a file.

use super::middleware::with_cookie;
use app::error::AppError;
use app::ssr::services::audit;
use app::ssr::staff_auth::{self, Live};
use app::ssr::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

/// The export's route, to merge into the application's.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/cms/customers/{id}/access.json", get(access_export))
}

async fn access_export(
    State(state): State<AppState>,
    Path(id): Path<i32>,
    headers: HeaderMap,
) -> Response {
    let Some(Live {
        member,
        refreshed_cookie,
    }) = staff_auth::from_headers(&state, &headers).await
    else {
        return Redirect::to("/cms/login").into_response();
    };
    if member.must_change_password || !member.is_owner {
        return AppError::Forbidden.into_response();
    }
    let mut res = match audit::access_export(&state.db, member.id, id, app::ssr::now_utc()).await {
        Ok(export) => {
            let file = format!("attachment; filename=\"inzage-klant-{id}.json\"");
            let mut res = axum::Json(export).into_response();
            if let Ok(value) = HeaderValue::from_str(&file) {
                res.headers_mut().insert(header::CONTENT_DISPOSITION, value);
            }
            res.headers_mut()
                .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            res
        }
        Err(e) => e.into_response(),
    };
    with_cookie(&mut res, refreshed_cookie.as_deref());
    res
}
