//! The benchmark's Rust side (`bench.rs`) with mimalloc as the process's global allocator instead of
//! the system's (glibc's, on Linux): the allocator is the application's choice, like the runtime,
//! and a large answer's decode makes thousands of small allocations. `cargo xtask bench` reports
//! its row beside the default one; the targets are judged on the default.

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[path = "bench.rs"]
mod bench;

fn main() {
    bench::start(Some("mimalloc"));
}
