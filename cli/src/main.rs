//! The `cachet` command: keys, issuing, presenting, verifying and inspecting SD-JWT VCs
//! and pseudonymous BBS credentials from the shell. Scripts depend on its names, flags and exit codes:
//! 0 success, 1 a presentation was rejected (`verify`), 2 usage or input errors.

mod args;
mod commands;
mod failure;
mod input;
mod nym;

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = args::Cli::parse();
    match commands::run(cli) {
        Ok(output) => {
            println!("{output}");
            ExitCode::SUCCESS
        }
        Err(failure::Failure::Rejected(json)) => {
            println!("{json}");
            ExitCode::from(1)
        }
        Err(failure::Failure::Usage(message)) => {
            eprintln!("cachet: {message}");
            ExitCode::from(2)
        }
    }
}
