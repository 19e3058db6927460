//! The claimcheck binary: run the command line, exit with its code.
fn main() {
    std::process::exit(claimcheck::cli::run(std::env::args().collect()));
}
