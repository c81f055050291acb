//! `paycore pan inspect`.

use paycore::card::pan::Pan;
use serde_json::{Map, json};

use crate::cli::PanCommand;
use crate::output::{CliError, Output, arg_or_stdin};

pub(crate) fn run(cmd: PanCommand) -> Result<Output, CliError> {
    match cmd {
        PanCommand::Inspect { pan } => inspect(&pan),
    }
}

fn inspect(text: &str) -> Result<Output, CliError> {
    let pan = Pan::parse_lenient(arg_or_stdin("pan", text)?.trim())?;
    let mut map = Map::new();
    map.insert("pan_masked".into(), json!(pan.to_string()));
    map.insert("length".into(), json!(pan.len()));
    map.insert("luhn_valid".into(), json!(pan.luhn_valid()));
    map.insert("brand".into(), json!(pan.brand().as_str()));
    Ok(Output::table(map))
}
