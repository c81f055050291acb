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

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser;
use clap::error::{ContextKind, ContextValue, ErrorKind as ClapErrorKind};

fn main() -> ExitCode {
    quiet_panics();
    // `args_os`, not `args`: `std::env::args` panics on a non-UTF-8
    // argument and the panic message would print it (a key or a PIN).
    // clap reports it as an ordinary usage error instead.
    let args = match cli::Cli::try_parse_from(std::env::args_os()) {
        Ok(args) => args,
        Err(err) => return usage_error(&err),
    };
    let json = args.json;
    let (printed, code) = match commands::run(args.command) {
        Ok(out) => (out.print(json), ExitCode::SUCCESS),
        Err(err) => (err.print(json), ExitCode::from(2)),
    };
    finish(printed, code)
}

/// A reader that closed the pipe early (`paycore ... | head -1`) is not an
/// error of ours: exit quietly with the status the command earned. Any
/// other write failure (disk full) is reported in one line, status 1.
fn finish(printed: std::io::Result<()>, code: ExitCode) -> ExitCode {
    match printed {
        Ok(()) => code,
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => code,
        Err(_) => {
            output::report_write_failure();
            ExitCode::FAILURE
        }
    }
}

/// Defence in depth: a panic (a bug) prints one fixed line, never its
/// payload or location, which could carry an argument or a secret.
fn quiet_panics() {
    std::panic::set_hook(Box::new(|_| output::report_internal_error()));
}

/// Help and version (asked for) go to stdout with status 0; any other parse
/// failure, a missing subcommand included, is bad input: one line on
/// stderr, the JSON error object with `--json`, status 2.
fn usage_error(err: &clap::Error) -> ExitCode {
    if matches!(
        err.kind(),
        ClapErrorKind::DisplayHelp | ClapErrorKind::DisplayVersion
    ) {
        let mut stdout = std::io::stdout().lock();
        let printed = write!(stdout, "{}", err.render()).and_then(|()| stdout.flush());
        return finish(printed, ExitCode::SUCCESS);
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
        ClapErrorKind::InvalidUtf8 => "an argument is not valid UTF-8".to_owned(),
        ClapErrorKind::UnknownArgument => "unexpected argument (see --help)".to_owned(),
        ClapErrorKind::MissingRequiredArgument => {
            format!("the following required arguments were not provided: {arg}")
        }
        ClapErrorKind::MissingSubcommand
        | ClapErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "a subcommand is required (see --help)".to_owned()
        }
        ClapErrorKind::InvalidSubcommand => "unrecognized subcommand (see --help)".to_owned(),
        ClapErrorKind::ArgumentConflict => format!("conflicting arguments: {arg}"),
        ClapErrorKind::TooManyValues | ClapErrorKind::WrongNumberOfValues => {
            format!("wrong number of values for {arg}")
        }
        _ => "invalid arguments (see --help)".to_owned(),
    };
    let json = json_requested();
    let printed = output::CliError::new("invalid_argument", first).print(json);
    finish(printed, ExitCode::from(2))
}

/// Whether `--json` was among the arguments (compared as OS strings: a
/// non-UTF-8 argument must not panic here either).
fn json_requested() -> bool {
    std::env::args_os().any(|a| a == "--json")
}
