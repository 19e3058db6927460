//! The claimcheck binary: run the command line, exit with its code.

/// mimalloc: the run makes millions of small allocations (names, values,
/// keys) and frees few; glibc's allocator spent a fifth of the time in
/// consolidating and unlinking chunks.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(claimcheck::cli::run(std::env::args().collect()));
}
