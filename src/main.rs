//! The claimcheck binary: run the command line, exit with its code.
//!
//! The work runs on a thread with a large stack: every recursion is bounded
//! by a limit, and a limit raised on the command line (a deeper definition
//! chain, say) should not meet the default 8 MB main-thread stack first.
//! Only the pages used are ever committed.

/// mimalloc: the run makes millions of small allocations (names, values,
/// keys) and frees few; glibc's allocator spent a fifth of the time in
/// consolidating and unlinking chunks. Built with its `no_thp` feature: its
/// transparent huge pages made each first touch of memory zero 2 MiB, a
/// fifth of a million-fact check on a VM (BENCHMARKS.md, fourth sitting).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let code = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || claimcheck::cli::run(args))
        .ok()
        .and_then(|t| t.join().ok())
        .unwrap_or(claimcheck::cli::EXIT_LOAD);
    std::process::ExitCode::from(u8::try_from(code).unwrap_or(2))
}
