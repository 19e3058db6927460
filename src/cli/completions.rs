//! `completions SHELL`: a shell completion script, from clap's own model
//! of the command line.

use std::io::Write;

use super::{Cli, Shell, EXIT_OK};

pub(super) fn completions_command(out: &mut impl Write, shell: Shell) -> i32 {
    let shell = match shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
    };
    let mut cmd = <Cli as clap::CommandFactory>::command();
    // Into memory first: clap_complete panics when a write fails,
    // and a closed pipe (`| head`) must end the command quietly.
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut cmd, "claimcheck", &mut script);
    let _ = out.write_all(&script);
    EXIT_OK
}
