//! AVG-18: the monitoring's check, once a minute on every server
//! (`app::ssr::services::monitoring::check`). Every server looks, since the
//! last minutes' errors and slow queries are each process's own; the
//! owner still gets one mail per kind of warning an hour between them all,
//! as the hour is claimed in the database. Not a nightly job: it records no
//! run in `job_runs` (one a minute would bury the nightly ones).

use app::ssr::state::AppState;
use std::time::Duration;

/// How often the warnings are looked at.
pub const EVERY: Duration = Duration::from_secs(60);

/// Starts the check; it runs as long as the server.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let checked = app::ssr::services::monitoring::check(
                &state.db,
                &state.metrics,
                &state.outbox,
                &state.config.public_url,
                app::ssr::now_utc(),
            )
            .await;
            match checked {
                Ok(checked) if !checked.active.is_empty() => tracing::debug!(
                    active = checked.active.len(),
                    mailed = checked.mailed.len(),
                    "monitoring check"
                ),
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "the monitoring check failed"),
            }
        }
    })
}
