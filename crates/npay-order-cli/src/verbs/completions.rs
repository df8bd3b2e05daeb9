//! `npay-order completions SHELL`: shell completion scripts.

use clap::Args;
use clap_complete::Shell;

pub const EXAMPLES: &str = "\
Examples:
  npay-order completions bash > ~/.local/share/bash-completion/completions/npay-order
  npay-order completions zsh > \"${fpath[1]}/_npay-order\"";

/// Arguments of `completions`.
#[derive(Args, Debug)]
pub struct CompletionsArgs {
    /// The shell (bash, zsh, fish, elvish, powershell).
    shell: Shell,
}

/// Writes the completion script of `command` for the shell to stdout.
pub fn run(args: CompletionsArgs, mut command: clap::Command) {
    clap_complete::generate(args.shell, &mut command, "npay-order", &mut std::io::stdout());
}
