//! `winkel`: the shop server and its command line.

use std::process::ExitCode;

/// A page renders thousands of small allocations (views, reactive nodes,
/// rows) on several threads at once; with glibc's malloc they took a third
/// of a page's CPU time (perf, bench/sessions.sh).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    // A missing .env is normal; the environment may hold everything.
    let _ = dotenvy::dotenv();
    winkel::logging::init();
    match winkel::cli::run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("winkel: {error}");
            ExitCode::FAILURE
        }
    }
}
