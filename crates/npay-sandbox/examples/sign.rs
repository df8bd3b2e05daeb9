//! Prints a `client_secret_sign` for the token call:
//! `cargo run --example sign -- <client_id> <client_secret> [timestamp_ms]`.
//! Prints `<timestamp> <sign>` (the timestamp defaults to now). Used by `bench/wrk.sh`.

use base64::Engine as _;

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
            .unwrap()
            .as_millis() as i64,
    };
    let parts: Vec<&str> = args[1].split('$').collect();
    assert!(
        parts.len() == 4 && parts[3].len() == 22,
        "the secret must be $2a$NN$ + 22 characters"
    );
    let cost: u32 = parts[2].parse().expect("cost");
    let engine = base64::engine::GeneralPurpose::new(
        &base64::alphabet::BCRYPT,
        base64::engine::GeneralPurposeConfig::new()
            .with_decode_allow_trailing_bits(true)
            .with_decode_padding_mode(base64::engine::DecodePaddingMode::RequireNone),
    );
    let salt: [u8; 16] = engine
        .decode(parts[3])
        .expect("salt")
        .try_into()
        .expect("16 salt bytes");
    let hash = bcrypt::hash_with_salt(format!("{}_{ts}", args[0]), cost, salt)
        .expect("bcrypt")
        .format_for_version(bcrypt::Version::TwoA);
    println!(
        "{ts} {}",
        base64::engine::general_purpose::STANDARD.encode(hash)
    );
}
