//! The HTTP side, by job: `router` builds the application from the
//! `middleware` layers and the `handlers` of its own routes; `listeners`
//! binds the sockets and serves it, beside the plain-HTTP `redirect` under
//! TLS, until shutdown.

mod audit;
mod handlers;
mod invoices;
mod listeners;
mod middleware;
mod redirect;
mod router;

pub use handlers::MEMORY_PAGES;
pub use listeners::{shutdown_signal, Listeners};
pub use middleware::CACHE_HEADER;
pub use redirect::HttpsRedirect;
pub use router::{router, router_and_state, session_cookie};
