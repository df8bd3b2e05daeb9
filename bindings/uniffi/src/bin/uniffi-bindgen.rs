//! `uniffi-bindgen`, built from this crate so that the generator and the library always share
//! one uniffi version: `cargo run -p npay-order-uniffi --bin uniffi-bindgen -- generate --library …`.

fn main() {
    uniffi::uniffi_bindgen_main()
}
