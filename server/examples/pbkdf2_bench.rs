//! Times our password hash (`app::ssr::password::hash`: PBKDF2-HMAC-SHA512,
//! 210,000 rounds, 16-byte salt, 64-byte output) for bench/accounts.sh.
//!
//! `cargo run --release --example pbkdf2_bench -p winkel -- [N] [PASSWORD]`
//!
//! One warm-up hash, then N timed hashes (default 20), one at a time on one
//! thread. Prints `key=value` lines: `iterations`, `hashes`, `mean_ms`,
//! `median_ms`, `min_ms`, `max_ms`, and `phc` (the last hash, so the caller
//! can check it against another implementation).

use app::ssr::password;
use std::process::ExitCode;
use std::time::Instant;

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    let n: usize = match args.next().map(|a| a.parse()) {
        None => 20,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("usage: pbkdf2_bench [N > 0] [PASSWORD]");
            return ExitCode::from(2);
        }
    };
    let pass = args
        .next()
        .unwrap_or_else(|| "vier koeien in de wei".to_owned());

    // Warm-up: page in the code, settle the CPU clock.
    if let Err(e) = password::hash(&pass) {
        eprintln!("pbkdf2_bench: hashing failed: {e:?}");
        return ExitCode::FAILURE;
    }
    let mut times_ms = Vec::with_capacity(n);
    let mut last = String::new();
    for _ in 0..n {
        let start = Instant::now();
        match password::hash(&pass) {
            Ok(phc) => last = phc,
            Err(e) => {
                eprintln!("pbkdf2_bench: hashing failed: {e:?}");
                return ExitCode::FAILURE;
            }
        }
        times_ms.push(start.elapsed().as_secs_f64() * 1000.0);
    }
    let mean = times_ms.iter().sum::<f64>() / n as f64;
    times_ms.sort_by(f64::total_cmp);
    let median = if n % 2 == 1 {
        times_ms[n / 2]
    } else {
        (times_ms[n / 2 - 1] + times_ms[n / 2]) / 2.0
    };
    println!("iterations={}", password::ITERATIONS);
    println!("hashes={n}");
    println!("mean_ms={mean:.3}");
    println!("median_ms={median:.3}");
    println!("min_ms={:.3}", times_ms[0]);
    println!("max_ms={:.3}", times_ms[n - 1]);
    println!("phc={last}");
    ExitCode::SUCCESS
}
