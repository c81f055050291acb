//! One function per subcommand: parse arguments, call paycore, shape output.

mod card;
mod demo;
mod emv;
mod keys;
mod mac;
mod pan;
mod pin;
mod sm;

use crate::cli::Command;
use crate::output::{CliError, Output};

/// Runs one command.
pub(crate) fn run(command: Command) -> Result<Output, CliError> {
    match command {
        Command::Pan(cmd) => pan::run(cmd),
        Command::Track2(cmd) => card::track2(cmd),
        Command::Track1(cmd) => card::track1(cmd),
        Command::Tlv(cmd) => card::tlv(cmd),
        Command::Qr(cmd) => card::qr(cmd),
        Command::Kcv(args) => keys::kcv(&args),
        Command::Dukpt(cmd) => keys::dukpt(cmd),
        Command::Tr31(cmd) => keys::tr31(cmd),
        Command::Pinblock(cmd) => pin::run(cmd),
        Command::Mac(args) => mac::mac(&args),
        Command::Sign(cmd) => mac::sign(cmd),
        Command::Emv(cmd) => emv::run(cmd),
        Command::Demo(args) if args.cup_sm => demo::run_cup_sm(),
        Command::Demo(_) => demo::run(),
        Command::Sm3 { data } => sm::sm3(&data),
        Command::Sm2(cmd) => sm::sm2(cmd),
        Command::Cup(cmd) => sm::cup(cmd),
    }
}
