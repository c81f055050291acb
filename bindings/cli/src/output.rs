//! Output: one JSON object with `--json`, an aligned table (or tree) for humans.

use serde_json::{Map, Value};

/// What a command produced: a JSON object and its human rendering.
pub(crate) struct Output {
    /// The JSON object (printed as-is with `--json`).
    pub(crate) json: Map<String, Value>,
    /// Human-readable text; `None` renders `json` as an aligned table.
    pub(crate) human: Option<String>,
}

impl Output {
    /// An output rendered as an aligned key/value table for humans.
    pub(crate) fn table(json: Map<String, Value>) -> Self {
        Self { json, human: None }
    }

    /// An output with its own human rendering.
    pub(crate) fn with_human(json: Map<String, Value>, human: String) -> Self {
        Self {
            json,
            human: Some(human),
        }
    }

    pub(crate) fn print(&self, json: bool) {
        if json {
            println!("{}", Value::Object(self.json.clone()));
        } else if let Some(text) = &self.human {
            print!("{text}");
        } else {
            print!("{}", render_table(&self.json));
        }
    }
}

/// Renders a flat JSON object as `key  value` lines with aligned values.
pub(crate) fn render_table(map: &Map<String, Value>) -> String {
    let width = map.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in map {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Null => "-".to_owned(),
            other => other.to_string(),
        };
        out.push_str(&format!("{key:<width$}  {text}\n"));
    }
    out
}

/// A command failure: the kind and a one-line message (never secret material).
#[derive(Debug)]
pub(crate) struct CliError {
    pub(crate) kind: String,
    pub(crate) message: String,
}

impl CliError {
    pub(crate) fn new(kind: &str, message: impl Into<String>) -> Self {
        Self {
            kind: kind.to_owned(),
            message: message.into(),
        }
    }

    /// A bad argument supplied on the command line.
    pub(crate) fn argument(message: impl Into<String>) -> Self {
        Self::new("invalid_argument", message)
    }

    pub(crate) fn print(&self, json: bool) {
        let one_line = self.message.replace('\n', " ");
        if json {
            let value = serde_json::json!({
                "error": { "kind": self.kind, "message": one_line }
            });
            println!("{value}");
        }
        eprintln!("paycore: error: {one_line}");
    }
}

impl From<paycore::Error> for CliError {
    fn from(err: paycore::Error) -> Self {
        Self::new(err.kind().as_str(), err.to_string())
    }
}

/// Decodes hex (either case, no separators) naming the argument on failure.
///
/// `-` reads the value from one line of standard input instead, so keys and
/// PINs need not appear on the command line (where `ps` and the shell
/// history would see them).
pub(crate) fn parse_hex(name: &str, text: &str) -> Result<Vec<u8>, CliError> {
    let text = arg_or_stdin(name, text)?;
    hex::decode(text.trim())
        .map_err(|_| CliError::argument(format!("--{name}: not an even-length hex string")))
}

/// The argument itself, or one line of standard input when it is `-`.
pub(crate) fn arg_or_stdin(name: &str, text: &str) -> Result<String, CliError> {
    if text != "-" {
        return Ok(text.to_owned());
    }
    let mut line = String::new();
    match std::io::stdin().read_line(&mut line) {
        Ok(n) if n > 0 => Ok(line.trim_end_matches(['\r', '\n']).to_owned()),
        _ => Err(CliError::argument(format!(
            "--{name}: expected a value on standard input"
        ))),
    }
}

/// Upper-case hex.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}
