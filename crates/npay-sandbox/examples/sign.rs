//! Prints a `client_secret_sign` for the token call:
//! `cargo run --example sign -- <client_id> <client_secret> [timestamp_ms]`.
//! Prints `<timestamp> <sign>` (the timestamp defaults to now). Used by `bench/wrk.sh` and the
//! conformance step (`cargo xtask test`). Signs with the client's own
//! [`npay_order_api::signature::sign`].

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() < 2 {
        eprintln!("usage: sign <client_id> <client_secret> [timestamp_ms]");
        std::process::exit(2);
    }
    let ts: i64 = match args.get(2) {
        Some(t) => t.parse().expect("timestamp in milliseconds"),
        None => std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .expect("the clock is after 1970")
            .as_millis() as i64,
    };
    match npay_order_api::signature::sign(&args[0], &args[1], ts) {
        Ok(sign) => println!("{ts} {sign}"),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    }
}
