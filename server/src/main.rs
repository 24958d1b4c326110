//! `winkel`: the shop server and its command line.

use std::process::ExitCode;

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
