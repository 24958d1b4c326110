//! The outbox worker of `winkel serve`: sends the mails that requests
//! queued (`app::ssr::services::outbox`) right after they commit, and
//! retries the ones the mail server refused. Every instance runs one; rows
//! are claimed before they are sent, so each mail goes out once.

use app::ssr::services::outbox::{deliver_due, BATCH};
use app::ssr::AppState;
use std::time::Duration;

/// How often the worker looks for retries that have come due, when no
/// request woke it.
const IDLE_CHECK: Duration = Duration::from_secs(15);

/// Starts the worker; it runs as long as the process.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            match deliver_due(&state.db, &state.config.mailer, app::ssr::now_utc()).await {
                // A full batch: there may be more waiting.
                Ok(done) if done.looked_at as u64 >= BATCH => continue,
                Ok(_) => {}
                Err(error) => tracing::warn!(%error, "sending the outbox failed"),
            }
            tokio::select! {
                () = state.outbox.woken() => {}
                () = tokio::time::sleep(IDLE_CHECK) => {}
            }
        }
    })
}
