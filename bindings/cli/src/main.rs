//! `paycore`: the payment engineer's calculator and the end-to-end demo.
//!
//! The command-line contract is in ARCHITECTURE.md ("CLI contract"): hex in
//! and out is upper-case (lower-case accepted), every subcommand takes
//! `--json` and then prints exactly one JSON object, bad input exits with
//! status 2 and a one-line message on stderr (and `{"error": {...}}` on
//! stdout with `--json`). No secret material is ever part of an error.

// A command-line tool prints to stdout by design.
#![allow(clippy::print_stdout)]
// A std-only binary: core-vs-std path preferences do not apply.
#![allow(clippy::std_instead_of_core)]

mod cli;
mod commands;
mod output;

use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind as ClapErrorKind};

fn main() -> ExitCode {
    let args = match cli::Cli::try_parse() {
        Ok(args) => args,
        Err(err) => return usage_error(&err),
    };
    let json = args.json;
    match commands::run(args.command) {
        Ok(out) => {
            out.print(json);
            ExitCode::SUCCESS
        }
        Err(err) => {
            err.print(json);
            ExitCode::from(2)
        }
    }
}

/// Help and version go to stdout with status 0; any other parse failure is
/// bad input: one line on stderr, the JSON error object with `--json`, status 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ClapErrorKind::DisplayHelp
            | ClapErrorKind::DisplayVersion
            | ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
    ) {
        let _ = err.print();
        return if err.kind() == ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
            ExitCode::from(2)
        } else {
            ExitCode::SUCCESS
        };
    }
    // Never echo what was typed: a misplaced argument may be a key or PIN.
    // Name the argument and the problem only.
    let arg = match err.get(ContextKind::InvalidArg) {
        Some(ContextValue::String(name)) => name.clone(),
        Some(ContextValue::Strings(names)) => names.join(", "),
        _ => String::new(),
    };
    let first = match err.kind() {
        ClapErrorKind::InvalidValue | ClapErrorKind::ValueValidation => {
            format!("invalid value for {arg}")
        }
        ClapErrorKind::UnknownArgument => "unexpected argument (see --help)".to_owned(),
        ClapErrorKind::MissingRequiredArgument => {
            format!("the following required arguments were not provided: {arg}")
        }
        ClapErrorKind::InvalidSubcommand => "unrecognized subcommand (see --help)".to_owned(),
        ClapErrorKind::ArgumentConflict => format!("conflicting arguments: {arg}"),
        ClapErrorKind::TooManyValues | ClapErrorKind::WrongNumberOfValues => {
            format!("wrong number of values for {arg}")
        }
        _ => "invalid arguments (see --help)".to_owned(),
    };
    let json = std::env::args().any(|a| a == "--json");
    output::CliError::new("invalid_argument", first).print(json);
    ExitCode::from(2)
}
