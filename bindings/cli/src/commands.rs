//! One function per subcommand: parse arguments, call paycore, shape output.

mod keys;
mod mac;
mod pan;
mod pin;

use crate::cli::Command;
use crate::output::{CliError, Output};

/// Runs one command.
pub(crate) fn run(command: Command) -> Result<Output, CliError> {
    match command {
        Command::Pan(cmd) => pan::run(cmd),
        Command::Kcv(args) => keys::kcv(&args),
        Command::Pinblock(cmd) => pin::run(cmd),
        Command::Mac(args) => mac::mac(&args),
        Command::Sign(cmd) => mac::sign(cmd),
        _ => Err(CliError::new(
            "unsupported",
            "this subcommand is not available in this build yet",
        )),
    }
}
