//! Output: one JSON object with `--json`, an aligned table (or tree) for humans.

use std::io::Write;

use serde_json::{Map, Value};
use zeroize::Zeroizing;

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

    /// Writes the output to stdout.
    ///
    /// # Errors
    /// A failed write (a closed pipe); nothing panics.
    pub(crate) fn print(&self, json: bool) -> std::io::Result<()> {
        let text = if json {
            format!("{}\n", Value::Object(self.json.clone()))
        } else if let Some(text) = &self.human {
            // Defence in depth: whatever a command put in its human text,
            // no control character other than the line breaks reaches the
            // terminal (an ESC from a QR payload could drive it).
            text.split('\n')
                .map(escape_control)
                .collect::<Vec<_>>()
                .join("\n")
        } else {
            render_table(&self.json)
        };
        let mut stdout = std::io::stdout().lock();
        stdout.write_all(text.as_bytes())?;
        stdout.flush()
    }
}

/// Renders a flat JSON object as `key  value` lines with aligned values.
pub(crate) fn render_table(map: &Map<String, Value>) -> String {
    let width = map.keys().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (key, value) in map {
        let text = match value {
            Value::String(s) => escape_control(s),
            Value::Null => "-".to_owned(),
            other => other.to_string(),
        };
        out.push_str(&format!("{key:<width$}  {text}\n"));
    }
    out
}

/// Text for a terminal: every control character (C0, DEL, C1: ESC, CSI,
/// BEL, CR, line breaks...) as a visible `\x1B` / `\u{9B}` escape. Card
/// and QR data come from outside and must not drive the terminal.
pub(crate) fn escape_control(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if u32::from(c) < 0x80 && c.is_control() => {
                out.push_str(&format!("\\x{:02X}", u32::from(c)));
            }
            c if c.is_control() => out.push_str(&format!("\\u{{{:X}}}", u32::from(c))),
            c => out.push(c),
        }
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

    /// Writes the JSON error object (with `--json`) to stdout and the
    /// one-line message to stderr.
    ///
    /// # Errors
    /// A failed write to stdout (a closed pipe); stderr is still written.
    pub(crate) fn print(&self, json: bool) -> std::io::Result<()> {
        let one_line = escape_control(&self.message);
        let printed = if json {
            let value = serde_json::json!({
                "error": { "kind": self.kind, "message": one_line }
            });
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "{value}").and_then(|()| stdout.flush())
        } else {
            Ok(())
        };
        let _ = writeln!(std::io::stderr(), "paycore: error: {one_line}");
        printed
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
/// history would see them). The bytes are wiped when dropped.
pub(crate) fn parse_hex(name: &str, text: &str) -> Result<Zeroizing<Vec<u8>>, CliError> {
    let text = arg_or_stdin(name, text)?;
    hex::decode(text.trim())
        .map(Zeroizing::new)
        .map_err(|_| CliError::argument(format!("--{name}: not an even-length hex string")))
}

/// Longest line read for one `-` argument; room reserved up front so the
/// buffer never reallocates (and leaves an unwiped copy) for any sane value.
const STDIN_LINE_CAPACITY: usize = 4096;

/// The argument itself, or one line of standard input when it is `-` (each
/// `-` reads the next line, in the order the command's `--help` lists the
/// arguments). Wiped when dropped.
pub(crate) fn arg_or_stdin(name: &str, text: &str) -> Result<Zeroizing<String>, CliError> {
    if text != "-" {
        return Ok(Zeroizing::new(text.to_owned()));
    }
    let mut line = Zeroizing::new(String::with_capacity(STDIN_LINE_CAPACITY));
    match std::io::stdin().read_line(&mut line) {
        Ok(n) if n > 0 => {
            let end = line.trim_end_matches(['\r', '\n']).len();
            line.truncate(end);
            Ok(line)
        }
        _ => Err(CliError::argument(format!(
            "--{name}: expected a value on standard input"
        ))),
    }
}

/// The one line printed when stdout cannot be written (other than a
/// closed pipe, which exits quietly).
pub(crate) fn report_write_failure() {
    let _ = writeln!(std::io::stderr(), "paycore: error: cannot write output");
}

/// The one line a panic prints (see `main::quiet_panics`): fixed text, no
/// payload, no location, no backtrace.
pub(crate) fn report_internal_error() {
    let _ = writeln!(
        std::io::stderr(),
        "paycore: internal error (a bug; no details are printed)"
    );
}

/// Upper-case hex.
pub(crate) fn hex_upper(bytes: &[u8]) -> String {
    hex::encode_upper(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_made_visible() {
        assert_eq!(escape_control("a\u{1b}[2Jb"), "a\\x1B[2Jb");
        assert_eq!(escape_control("x\ny\u{7f}\u{9b}"), "x\\x0Ay\\x7F\\u{9B}");
        assert_eq!(escape_control("\u{6700}\u{4f73} ok"), "\u{6700}\u{4f73} ok");
    }

    /// Decoded secrets are wiped on drop: the buffers are `Zeroizing`.
    #[test]
    fn secret_buffers_are_zeroizing() {
        let bytes: Zeroizing<Vec<u8>> = parse_hex("key", "0a1B").unwrap();
        assert_eq!(bytes.as_slice(), &[0x0A, 0x1B]);
        let text: Zeroizing<String> = arg_or_stdin("pin", "1234").unwrap();
        assert_eq!(text.as_str(), "1234");
        assert!(parse_hex("key", "0a1").is_err());
    }
}
