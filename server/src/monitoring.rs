//! AVG-18: per-request traffic numbers for `/metrics`: the matched route
//! pattern (never the path with its ids), method, status and latency; and
//! the database pool's use.

use app::ssr::metrics::Metrics;
use axum::extract::{MatchedPath, State};
use axum::middleware::Next;
use axum::response::Response;
use sea_orm::{DatabaseBackend, DatabaseConnection};
use std::fmt::Write as _;
use std::sync::{Arc, OnceLock};
use std::time::Instant;

/// Where the routing layer leaves the matched pattern for `count_requests`,
/// which runs outside the router and so before any route is known.
#[derive(Clone, Default)]
struct RouteSlot(Arc<OnceLock<String>>);

/// Counts every request with its route, status and latency; the browser's
/// files (`/pkg`) apart from the traffic the warning watches.
pub async fn count_requests(
    State(metrics): State<Arc<Metrics>>,
    mut req: axum::extract::Request,
    next: Next,
) -> Response {
    let slot = RouteSlot::default();
    req.extensions_mut().insert(slot.clone());
    let method = req.method().as_str().to_owned();
    let asset = req.uri().path().starts_with("/pkg/");
    let started = Instant::now();
    let res = next.run(req).await;
    let (status, elapsed) = (res.status().as_u16(), started.elapsed());
    if asset {
        metrics.record_asset_request(&method, status, elapsed);
    } else {
        // Other static files and unknown paths share one label: their paths
        // are unbounded and say nothing about the shop's behaviour.
        let route = slot.0.get().map_or("(static or unknown)", String::as_str);
        metrics.record_request(route, &method, status, elapsed);
    }
    res
}

/// Inside the router (a route layer): notes the matched pattern.
pub async fn note_route(req: axum::extract::Request, next: Next) -> Response {
    if let (Some(path), Some(slot)) = (
        req.extensions().get::<MatchedPath>(),
        req.extensions().get::<RouteSlot>(),
    ) {
        let pattern = path
            .as_str()
            .replace("{*__private__axum_nest_tail_param}", "*");
        let _ = slot.0.set(pattern);
    }
    next.run(req).await
}

/// The connection pool's size and idle connections as Prometheus gauges.
pub fn pool_text(db: &DatabaseConnection) -> String {
    let (size, idle) = match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        DatabaseBackend::MySql => {
            let pool = db.get_mysql_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => return String::new(),
    };
    let idle = u32::try_from(idle).unwrap_or(u32::MAX);
    let mut out = String::new();
    out.push_str("# HELP winkel_db_pool_connections Database connections by state.\n");
    out.push_str("# TYPE winkel_db_pool_connections gauge\n");
    let _ = writeln!(out, "winkel_db_pool_connections{{state=\"idle\"}} {idle}");
    let _ = writeln!(
        out,
        "winkel_db_pool_connections{{state=\"in_use\"}} {}",
        size.saturating_sub(idle)
    );
    out
}
