//! AVG-18: traffic and database use, counted in memory and shown to a
//! monitoring system as Prometheus text (`GET /metrics`, see the server's
//! `http.rs`). Nothing here knows who a visitor is: routes are the matched
//! patterns (`/products/{slug}`, never the path with its ids), and the
//! security counts (failed logins, honeypot hits, refused forms) are plain
//! numbers, persisted per hour for the CMS dashboard's baseline, like the
//! number of requests (for the traffic warning). The running totals of
//! requests, 5xx answers and failed or slow queries feed the warnings'
//! window (`metrics_window`); the warnings found by the last check are a
//! gauge here, so a monitoring system sees what the dashboard shows.

use super::metrics_window::{Snapshots, Totals};
use crate::cms::rules::monitoring::{WindowCounts, SLOW_QUERY_SECONDS, WINDOW_MINUTES};
use crate::cms::rules::WarningKind;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histograms' buckets.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Debug, Default, Clone)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (bucket, bound) in self.buckets.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *bucket += 1;
            }
        }
        self.count += 1;
        self.sum += seconds;
    }

    fn write(&self, out: &mut String, name: &str, labels: &str) {
        let sep = if labels.is_empty() { "" } else { "," };
        for (count, bound) in self.buckets.iter().zip(BUCKETS) {
            let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {count}");
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {}",
            self.count
        );
        let braces = if labels.is_empty() {
            String::new()
        } else {
            format!("{{{labels}}}")
        };
        let _ = writeln!(out, "{name}_sum{braces} {}", self.sum);
        let _ = writeln!(out, "{name}_count{braces} {}", self.count);
    }
}

/// The method as a metrics label: the standard ones by name, anything else
/// as "other" (a client can send any token as a method, and each would
/// otherwise be a series of its own, kept for the life of the process).
pub fn method_label(method: &str) -> &'static str {
    const KNOWN: [&str; 9] = [
        "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE",
    ];
    KNOWN.into_iter().find(|m| *m == method).unwrap_or("other")
}

/// The security events counted per hour (AVG-18: abnormal behaviour).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum SecurityEvent {
    FailedLoginCustomer,
    FailedLoginStaff,
    HoneypotHit,
    FormLimitRefusal,
}

impl SecurityEvent {
    pub const ALL: [Self; 4] = [
        Self::FailedLoginCustomer,
        Self::FailedLoginStaff,
        Self::HoneypotHit,
        Self::FormLimitRefusal,
    ];

    /// The `kind` stored in `security_counts`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::FailedLoginCustomer => "failed_login_customer",
            Self::FailedLoginStaff => "failed_login_staff",
            Self::HoneypotHit => "honeypot_hit",
            Self::FormLimitRefusal => "form_limit_refusal",
        }
    }

    pub fn parse(kind: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|e| e.as_str() == kind)
    }
}

/// Why the server closed a connection on its own (slow clients; see the
/// server's `connections.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConnectionClose {
    /// A request head did not arrive within the header timeout: a client
    /// that sent nothing, or half a header and then waited.
    HeaderTimeout,
    /// No next request within the header timeout after a response: the
    /// ordinary end of a browser's keep-alive connection.
    KeepAliveTimeout,
    /// Nothing read or written for the idle timeout: a request body that
    /// stopped arriving, a response the client does not read.
    IdleTimeout,
}

impl ConnectionClose {
    pub const ALL: [Self; 3] = [
        Self::HeaderTimeout,
        Self::KeepAliveTimeout,
        Self::IdleTimeout,
    ];

    /// The `reason` label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HeaderTimeout => "header_timeout",
            Self::KeepAliveTimeout => "keep_alive_timeout",
            Self::IdleTimeout => "idle_timeout",
        }
    }
}

#[derive(Default)]
pub struct Metrics {
    /// (route, method, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    latency: Mutex<BTreeMap<String, Histogram>>,
    db_queries: Mutex<Histogram>,
    db_errors: AtomicU64,
    /// Since start, by event and form (empty for logins).
    security_totals: Mutex<BTreeMap<(SecurityEvent, &'static str), u64>>,
    /// Not yet written to `security_counts`.
    unflushed: Mutex<HashMap<SecurityEvent, u64>>,
    /// HTTP connections open now, on all listeners.
    connections_open: AtomicU64,
    /// The cap on open connections in force.
    connection_limit: AtomicU64,
    /// Times every connection slot was taken, so the next connection waited.
    connection_limit_reached: AtomicU64,
    /// Connections closed by the server, indexed like `ConnectionClose::ALL`.
    connections_closed: [AtomicU64; ConnectionClose::ALL.len()],
    /// Running totals for the warnings' window.
    requests_total: AtomicU64,
    server_errors_total: AtomicU64,
    queries_total: AtomicU64,
    slow_queries_total: AtomicU64,
    /// Requests not yet written to `security_counts` (kind `REQUESTS_KIND`).
    unflushed_requests: AtomicU64,
    window: Mutex<Snapshots>,
    /// The kinds of warning the last check found active.
    active_warnings: Mutex<Vec<WarningKind>>,
}

/// The route label of the browser's files.
pub const ASSET_ROUTE: &str = "/pkg/*";

/// The `kind` in `security_counts` of the requests per hour.
pub const REQUESTS_KIND: &str = "http_requests";

impl Metrics {
    /// A request for a page, a server function or anything unknown: it
    /// counts as traffic for the warning.
    pub fn record_request(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.unflushed_requests.fetch_add(1, Ordering::Relaxed);
        self.record(route, method, status, elapsed);
    }

    /// A request for one of the browser's files (`/pkg`: the wasm, its
    /// chunks, the js and css): in `/metrics`, but not traffic for the
    /// warning. They follow the pages that name them, in a number set by how
    /// the build splits the wasm and by the browser's cache.
    pub fn record_asset_request(&self, method: &str, status: u16, elapsed: Duration) {
        self.record(ASSET_ROUTE, method, status, elapsed);
    }

    fn record(&self, route: &str, method: &str, status: u16, elapsed: Duration) {
        self.requests_total.fetch_add(1, Ordering::Relaxed);
        if status >= 500 {
            self.server_errors_total.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut requests) = self.requests.lock() {
            *requests
                .entry((route.to_owned(), method_label(method).to_owned(), status))
                .or_default() += 1;
        }
        if let Ok(mut latency) = self.latency.lock() {
            latency
                .entry(route.to_owned())
                .or_default()
                .observe(elapsed.as_secs_f64());
        }
    }

    /// The hashing gate's numbers, as Prometheus text (AVG-19).
    pub fn render_hashing(&self) -> String {
        let stats = super::password::stats();
        format!(
            "# HELP winkel_password_hashes_total Password hashes run.\n# TYPE winkel_password_hashes_total counter\nwinkel_password_hashes_total {}\n# HELP winkel_password_hashes_refused_total Password hashes refused because the queue was full.\n# TYPE winkel_password_hashes_refused_total counter\nwinkel_password_hashes_refused_total {}\n# HELP winkel_password_hashes_running Password hashes running now.\n# TYPE winkel_password_hashes_running gauge\nwinkel_password_hashes_running {}\n# HELP winkel_password_hashes_cap Password hashes allowed at once.\n# TYPE winkel_password_hashes_cap gauge\nwinkel_password_hashes_cap {}\n",
            stats.total, stats.refused, stats.running, stats.cap
        )
    }

    pub fn record_query(&self, elapsed: Duration, failed: bool) {
        self.queries_total.fetch_add(1, Ordering::Relaxed);
        if elapsed.as_secs_f64() > SLOW_QUERY_SECONDS {
            self.slow_queries_total.fetch_add(1, Ordering::Relaxed);
        }
        if let Ok(mut queries) = self.db_queries.lock() {
            queries.observe(elapsed.as_secs_f64());
        }
        if failed {
            self.db_errors.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// One security event; `form` names the form for honeypot hits and
    /// refused forms.
    pub fn record_security(&self, event: SecurityEvent, form: &'static str) {
        if let Ok(mut totals) = self.security_totals.lock() {
            *totals.entry((event, form)).or_default() += 1;
        }
        if let Ok(mut unflushed) = self.unflushed.lock() {
            *unflushed.entry(event).or_default() += 1;
        }
    }

    /// The counts not yet persisted, emptied.
    pub fn take_unflushed(&self) -> HashMap<SecurityEvent, u64> {
        self.unflushed
            .lock()
            .map(|mut u| std::mem::take(&mut *u))
            .unwrap_or_default()
    }

    /// Counts that could not be persisted go back for the next flush.
    pub fn restore_unflushed(&self, counts: HashMap<SecurityEvent, u64>) {
        if let Ok(mut unflushed) = self.unflushed.lock() {
            for (event, n) in counts {
                *unflushed.entry(event).or_default() += n;
            }
        }
    }

    /// The counts since the last flush (for the current hour's view).
    pub fn unflushed(&self, event: SecurityEvent) -> u64 {
        self.unflushed
            .lock()
            .map(|u| u.get(&event).copied().unwrap_or(0))
            .unwrap_or(0)
    }

    /// The requests not yet persisted, emptied.
    pub fn take_unflushed_requests(&self) -> u64 {
        self.unflushed_requests.swap(0, Ordering::Relaxed)
    }

    /// Requests that could not be persisted go back for the next flush.
    pub fn restore_unflushed_requests(&self, n: u64) {
        self.unflushed_requests.fetch_add(n, Ordering::Relaxed);
    }

    /// The requests since the last flush (for the current hour's view).
    pub fn unflushed_requests(&self) -> u64 {
        self.unflushed_requests.load(Ordering::Relaxed)
    }

    /// What this process counted in the `WINDOW_MINUTES` before `now`.
    pub fn window(&self, now: chrono::NaiveDateTime) -> WindowCounts {
        let totals = Totals {
            requests: self.requests_total.load(Ordering::Relaxed),
            server_errors: self.server_errors_total.load(Ordering::Relaxed),
            queries: self.queries_total.load(Ordering::Relaxed),
            db_errors: self.db_errors.load(Ordering::Relaxed),
            slow_queries: self.slow_queries_total.load(Ordering::Relaxed),
        };
        self.window
            .lock()
            .map(|mut w| w.look(now, totals, chrono::Duration::minutes(WINDOW_MINUTES)))
            .unwrap_or_default()
    }

    /// The kinds of warning active at the last check (`winkel_warning_active`).
    pub fn set_active_warnings(&self, kinds: Vec<WarningKind>) {
        if let Ok(mut active) = self.active_warnings.lock() {
            *active = kinds;
        }
    }

    pub fn connection_opened(&self) {
        self.connections_open.fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_ended(&self) {
        self.connections_open.fetch_sub(1, Ordering::Relaxed);
    }

    pub fn connections_open(&self) -> u64 {
        self.connections_open.load(Ordering::Relaxed)
    }

    pub fn set_connection_limit(&self, limit: usize) {
        self.connection_limit
            .store(u64::try_from(limit).unwrap_or(u64::MAX), Ordering::Relaxed);
    }

    pub fn record_connection_limit_reached(&self) {
        self.connection_limit_reached
            .fetch_add(1, Ordering::Relaxed);
    }

    pub fn connection_limit_reached(&self) -> u64 {
        self.connection_limit_reached.load(Ordering::Relaxed)
    }

    pub fn record_connection_close(&self, reason: ConnectionClose) {
        self.connections_closed[reason as usize].fetch_add(1, Ordering::Relaxed);
    }

    pub fn connections_closed(&self, reason: ConnectionClose) -> u64 {
        self.connections_closed[reason as usize].load(Ordering::Relaxed)
    }

    /// The Prometheus text of everything counted in memory.
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str("# HELP winkel_http_requests_total HTTP requests by matched route, method and status.\n");
        out.push_str("# TYPE winkel_http_requests_total counter\n");
        if let Ok(requests) = self.requests.lock() {
            for ((route, method, status), n) in requests.iter() {
                let _ = writeln!(
                    out,
                    "winkel_http_requests_total{{route=\"{}\",method=\"{}\",status=\"{status}\"}} {n}",
                    escape(route),
                    escape(method)
                );
            }
        }
        out.push_str(
            "# HELP winkel_http_request_duration_seconds Time to answer, by matched route.\n",
        );
        out.push_str("# TYPE winkel_http_request_duration_seconds histogram\n");
        if let Ok(latency) = self.latency.lock() {
            for (route, histogram) in latency.iter() {
                histogram.write(
                    &mut out,
                    "winkel_http_request_duration_seconds",
                    &format!("route=\"{}\"", escape(route)),
                );
            }
        }
        out.push_str("# HELP winkel_db_query_duration_seconds Time of each database query.\n");
        out.push_str("# TYPE winkel_db_query_duration_seconds histogram\n");
        if let Ok(queries) = self.db_queries.lock() {
            queries.write(&mut out, "winkel_db_query_duration_seconds", "");
        }
        out.push_str("# HELP winkel_db_query_errors_total Database queries that failed.\n");
        out.push_str("# TYPE winkel_db_query_errors_total counter\n");
        let _ = writeln!(
            out,
            "winkel_db_query_errors_total {}",
            self.db_errors.load(Ordering::Relaxed)
        );
        for (name, kind, help, value) in [
            (
                "winkel_http_connections_open",
                "gauge",
                "Open HTTP connections.",
                self.connections_open(),
            ),
            (
                "winkel_http_connection_limit",
                "gauge",
                "The most connections served at once (WINKEL_MAX_CONNECTIONS, lowered to fit the open-files limit).",
                self.connection_limit.load(Ordering::Relaxed),
            ),
            (
                "winkel_http_connection_limit_reached_total",
                "counter",
                "Times every connection slot was taken, so that new connections waited.",
                self.connection_limit_reached(),
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} {kind}");
            let _ = writeln!(out, "{name} {value}");
        }
        out.push_str("# HELP winkel_http_connections_closed_total Connections the server closed itself, by reason (slow or idle clients).\n");
        out.push_str("# TYPE winkel_http_connections_closed_total counter\n");
        for reason in ConnectionClose::ALL {
            let _ = writeln!(
                out,
                "winkel_http_connections_closed_total{{reason=\"{}\"}} {}",
                reason.as_str(),
                self.connections_closed(reason)
            );
        }
        out.push_str("# HELP winkel_warning_active 1 while the shop's own check finds this warning (AVG-18; the CMS dashboard shows it, the owner is mailed).\n");
        out.push_str("# TYPE winkel_warning_active gauge\n");
        let active = self
            .active_warnings
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default();
        for kind in WarningKind::ALL {
            let _ = writeln!(
                out,
                "winkel_warning_active{{kind=\"{}\"}} {}",
                kind.as_str(),
                u8::from(active.contains(kind))
            );
        }
        let totals = self
            .security_totals
            .lock()
            .map(|t| t.clone())
            .unwrap_or_default();
        let total = |event: SecurityEvent| -> Vec<(&'static str, u64)> {
            totals
                .iter()
                .filter(|((e, _), _)| *e == event)
                .map(|((_, form), n)| (*form, *n))
                .collect()
        };
        out.push_str(
            "# HELP winkel_failed_logins_total Failed logins of customers and of staff.\n",
        );
        out.push_str("# TYPE winkel_failed_logins_total counter\n");
        for (who, event) in [
            ("customer", SecurityEvent::FailedLoginCustomer),
            ("staff", SecurityEvent::FailedLoginStaff),
        ] {
            let n: u64 = total(event).iter().map(|(_, n)| n).sum();
            let _ = writeln!(out, "winkel_failed_logins_total{{who=\"{who}\"}} {n}");
        }
        for (name, help, event) in [
            (
                "winkel_honeypot_hits_total",
                "Forms refused as a bot's (honeypot, AVG-19), by form.",
                SecurityEvent::HoneypotHit,
            ),
            (
                "winkel_form_limit_refusals_total",
                "Forms refused by the per-visitor limit (AVG-19), by form.",
                SecurityEvent::FormLimitRefusal,
            ),
        ] {
            let _ = writeln!(out, "# HELP {name} {help}");
            let _ = writeln!(out, "# TYPE {name} counter");
            for (form, n) in total(event) {
                let _ = writeln!(out, "{name}{{form=\"{form}\"}} {n}");
            }
        }
        out
    }
}

/// Whether a presented secret is the expected one, in time independent of
/// where they differ (both are hashed first, so also of their lengths).
pub fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (
        Sha256::digest(given.as_bytes()),
        Sha256::digest(expected.as_bytes()),
    );
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// The last run of the retention sweep and of the backup (`job_runs`), as
/// Prometheus gauges: when it finished, what it did, whether it failed.
pub async fn render_jobs(
    db: &impl sea_orm::ConnectionTrait,
) -> Result<String, crate::error::AppError> {
    use super::entities::job_run;
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let mut out = String::new();
    let gauges = [
        (
            "winkel_job_last_finished_timestamp_seconds",
            "When the last run finished (Unix time; 0: running or never).",
        ),
        ("winkel_job_last_deleted", "Records the last run deleted."),
        (
            "winkel_job_last_anonymised",
            "Records the last run anonymised.",
        ),
        (
            "winkel_job_last_failed",
            "1 when the last run failed or has not finished.",
        ),
    ];
    let mut runs = Vec::new();
    for job in ["retention", "backup"] {
        let run = job_run::Entity::find()
            .filter(job_run::Column::Job.eq(job))
            .order_by_desc(job_run::Column::StartedAt)
            .one(db)
            .await?;
        if let Some(run) = run {
            runs.push((job, run));
        }
    }
    for (i, (name, help)) in gauges.iter().enumerate() {
        let _ = writeln!(out, "# HELP {name} {help}");
        let _ = writeln!(out, "# TYPE {name} gauge");
        for (job, run) in &runs {
            let value = match i {
                0 => run.finished_at.map_or(0, |t| t.and_utc().timestamp()),
                1 => run.deleted,
                2 => run.anonymised,
                _ => i64::from(run.error.is_some() || run.finished_at.is_none()),
            };
            let _ = writeln!(out, "{name}{{job=\"{job}\"}} {value}");
        }
    }
    Ok(out)
}

/// A Prometheus label value: backslash, quote and newline escaped.
pub fn escape(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn any_made_up_method_shares_one_series() {
        let metrics = Metrics::default();
        for n in 0..500 {
            let method = format!("X{n}");
            metrics.record_request("/", &method, 405, Duration::from_millis(1));
        }
        metrics.record_request("/", "GET", 200, Duration::from_millis(1));
        let text = metrics.render();
        assert!(!text.contains("X1"), "{text}");
        assert!(text.contains("method=\"other\""), "{text}");
        assert_eq!(method_label("GET"), "GET");
        assert_eq!(method_label("get"), "other");
    }

    #[test]
    fn prometheus_text_has_routes_not_paths_and_histograms() {
        let m = Metrics::default();
        m.record_request("/products/{slug}", "GET", 200, Duration::from_millis(3));
        m.record_request("/products/{slug}", "GET", 200, Duration::from_millis(30));
        m.record_query(Duration::from_micros(200), false);
        m.record_security(SecurityEvent::HoneypotHit, "register");
        m.record_security(SecurityEvent::FailedLoginStaff, "");
        m.set_connection_limit(4096);
        m.connection_opened();
        m.connection_opened();
        m.connection_ended();
        m.record_connection_close(ConnectionClose::HeaderTimeout);
        let text = m.render();
        assert!(text.contains(
            "winkel_http_requests_total{route=\"/products/{slug}\",method=\"GET\",status=\"200\"} 2"
        ));
        assert!(text.contains(
            "winkel_http_request_duration_seconds_bucket{route=\"/products/{slug}\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "winkel_http_request_duration_seconds_bucket{route=\"/products/{slug}\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("winkel_db_query_duration_seconds_count 1"));
        assert!(text.contains("winkel_honeypot_hits_total{form=\"register\"} 1"));
        assert!(text.contains("winkel_failed_logins_total{who=\"staff\"} 1"));
        assert!(text.contains("winkel_failed_logins_total{who=\"customer\"} 0"));
        assert!(text.contains("winkel_http_connections_open 1\n"));
        assert!(text.contains("winkel_http_connection_limit 4096\n"));
        for (reason, n) in [("header_timeout", 1), ("keep_alive_timeout", 0)] {
            assert!(text.contains(&format!(
                "winkel_http_connections_closed_total{{reason=\"{reason}\"}} {n}\n"
            )));
        }
        assert_eq!(
            m.take_unflushed().get(&SecurityEvent::HoneypotHit),
            Some(&1)
        );
        assert!(m.take_unflushed().is_empty());
    }

    #[test]
    fn the_window_counts_5xx_and_slow_queries_and_the_gauge_shows_warnings() {
        let m = Metrics::default();
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0)
            .unwrap_or_default()
            .naive_utc();
        m.record_request("/", "GET", 200, Duration::from_millis(1));
        m.record_request("/api/{fn}", "POST", 500, Duration::from_millis(1));
        m.record_request("/api/{fn}", "POST", 503, Duration::from_millis(1));
        m.record_query(Duration::from_millis(499), false);
        m.record_query(Duration::from_millis(501), false);
        m.record_query(Duration::from_millis(2), true);
        assert_eq!(
            m.window(now),
            WindowCounts {
                requests: 3,
                server_errors: 2,
                queries: 3,
                db_errors: 1,
                slow_queries: 1,
            }
        );
        assert_eq!(m.take_unflushed_requests(), 3);
        assert_eq!(m.unflushed_requests(), 0);
        // The browser's files are requests, not traffic.
        m.record_asset_request("GET", 200, Duration::from_millis(1));
        assert_eq!(m.unflushed_requests(), 0);
        assert!(m.render().contains(&format!("route=\"{ASSET_ROUTE}\"")));
        m.set_active_warnings(vec![WarningKind::ServerErrors]);
        let text = m.render();
        assert!(text.contains("winkel_warning_active{kind=\"server_errors\"} 1\n"));
        assert!(text.contains("winkel_warning_active{kind=\"traffic\"} 0\n"));
    }

    #[test]
    fn the_slow_query_threshold_is_a_bucket_bound() {
        // The Prometheus rule counts slow queries with this bucket.
        assert!(BUCKETS.contains(&SLOW_QUERY_SECONDS));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret("s3cret", "s3cret"));
        assert!(!same_secret("s3cre", "s3cret"));
        assert!(!same_secret("", "s3cret"));
    }

    #[test]
    fn label_values_are_escaped() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
    }
}
