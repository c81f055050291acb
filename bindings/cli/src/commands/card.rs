//! `paycore track1|track2 parse`, `paycore tlv decode`, `paycore qr decode`.

use paycore::card::pan::Pan;
use paycore::card::qr::{DataObject, Payload};
use paycore::card::tlv::{self, Limits, Tag, Tlv};
use paycore::card::track::{Expiry, ServiceCode, Track1, Track2};
use serde_json::{Map, Value, json};

use crate::cli::{QrCommand, TlvCommand, Track1Command, Track2Command};
use crate::output::{CliError, Output, arg_or_stdin, escape_control, hex_upper, parse_hex};

pub(crate) fn track2(cmd: Track2Command) -> Result<Output, CliError> {
    let Track2Command::Parse {
        track2,
        tag57,
        reveal,
    } = cmd;
    let track = match (track2, tag57) {
        (_, Some(hex)) => Track2::from_tag57(&parse_hex("tag57", &hex)?)?,
        (Some(text), None) => Track2::parse(arg_or_stdin("track2", &text)?.trim())?,
        (None, None) => return Err(CliError::argument("give TRACK2 or --tag57")),
    };
    let mut map = Map::new();
    pan_fields(&mut map, track.pan(), reveal);
    card_fields(&mut map, track.expiry(), track.service_code());
    // EXPOSE: the engineer asked to decode this track; discretionary data is shown.
    map.insert("discretionary".into(), json!(track.expose_discretionary()));
    Ok(Output::table(map))
}

pub(crate) fn track1(cmd: Track1Command) -> Result<Output, CliError> {
    let Track1Command::Parse { track1, reveal } = cmd;
    let track = Track1::parse(arg_or_stdin("track1", &track1)?.trim())?;
    let mut map = Map::new();
    pan_fields(&mut map, track.pan(), reveal);
    // EXPOSE: the cardholder name is part of what the engineer asked to decode.
    map.insert("name".into(), json!(track.expose_name()));
    card_fields(&mut map, track.expiry(), track.service_code());
    // EXPOSE: as above.
    map.insert("discretionary".into(), json!(track.expose_discretionary()));
    Ok(Output::table(map))
}

/// The PAN is printed masked (PCI DSS v4.0 3.4.1: first 6 / last 4) unless
/// the engineer asked for `--reveal`.
fn pan_fields(map: &mut Map<String, Value>, pan: &Pan, reveal: bool) {
    let shown = if reveal {
        // EXPOSE: --reveal asks for the clear PAN (decoding a test track).
        pan.expose_secret().to_owned()
    } else {
        pan.to_string()
    };
    map.insert("pan".into(), json!(shown));
    map.insert("pan_length".into(), json!(pan.len()));
    map.insert("luhn_valid".into(), json!(pan.luhn_valid()));
    map.insert("brand".into(), json!(pan.brand().as_str()));
}

fn card_fields(map: &mut Map<String, Value>, expiry: Option<Expiry>, code: Option<ServiceCode>) {
    map.insert(
        "expiry".into(),
        expiry.map_or(Value::Null, |e| {
            json!(format!("{:02}{:02}", e.year, e.month))
        }),
    );
    match code {
        Some(code) => {
            map.insert("service_code".into(), json!(code.as_str()));
            map.insert(
                "service_code_meaning".into(),
                json!([
                    code.interchange().description(),
                    code.authorization().description(),
                    code.allowed_services().description(),
                ]),
            );
        }
        None => {
            map.insert("service_code".into(), Value::Null);
        }
    }
}

pub(crate) fn tlv(cmd: TlvCommand) -> Result<Output, CliError> {
    let TlvCommand::Decode { hex, reveal } = cmd;
    let data = parse_hex("hex", &hex)?;
    let limits = Limits::default();
    // Validate the whole tree first: nothing half-decoded is printed.
    tlv::validate(&data, limits)?;
    let mut tree = Vec::new();
    let mut human = String::new();
    for item in tlv::Iter::new(&data, limits) {
        tree.push(tlv_json(&item?, reveal, &mut human)?);
    }
    let mut map = Map::new();
    map.insert("tlvs".into(), Value::Array(tree));
    Ok(Output::with_human(map, human))
}

fn tlv_json(item: &Tlv<'_>, reveal: bool, human: &mut String) -> Result<Value, CliError> {
    let tag = item.tag();
    let name = tag.name();
    let mut obj = Map::new();
    obj.insert("tag".into(), json!(tag.to_string()));
    obj.insert("name".into(), name.map_or(Value::Null, |n| json!(n)));
    obj.insert("length".into(), json!(item.value().len()));
    let indent = "  ".repeat(item.level().saturating_sub(1));
    let label = name.unwrap_or("(unknown)");
    if let Some(children) = item.children() {
        human.push_str(&format!("{indent}{tag} {label} [{}]\n", item.value().len()));
        let mut list = Vec::new();
        for child in children {
            list.push(tlv_json(&child?, reveal, human)?);
        }
        obj.insert("children".into(), Value::Array(list));
    } else {
        let value = if item.is_sensitive() && !reveal {
            masked_value(tag, item.value())
        } else {
            hex_upper(item.value())
        };
        human.push_str(&format!(
            "{indent}{tag} {label} [{}] {value}\n",
            item.value().len()
        ));
        obj.insert("value".into(), json!(value));
    }
    Ok(Value::Object(obj))
}

/// Sensitive values (PAN, track 2 equivalent, name...) are masked unless
/// `--reveal`: the PAN-bearing tags show the PCI-masked PAN, others a length.
fn masked_value(tag: Tag, value: &[u8]) -> String {
    let masked_pan = if tag == Tag::PAN {
        Pan::from_bcd(value).ok().map(|p| p.to_string())
    } else if tag == Tag::TRACK2_EQUIVALENT_DATA {
        Track2::from_tag57(value)
            .ok()
            .map(|t| format!("{}D****", t.pan()))
    } else {
        None
    };
    masked_pan.unwrap_or_else(|| format!("<redacted {} bytes>", value.len()))
}

pub(crate) fn qr(cmd: QrCommand) -> Result<Output, CliError> {
    let QrCommand::Decode { payload } = cmd;
    let payload = Payload::decode(payload.trim())?;
    // The strict verdict (QRCPS-MPM rules beyond the object structure):
    // what `Payload::parse` would say about the same text.
    let verdict = payload.check_strict();
    let mut human = format!(
        "crc_valid  {}\nvalid      {}",
        payload.crc_valid(),
        verdict.is_ok()
    );
    if let Err(e) = &verdict {
        human.push_str(&format!(" ({e})"));
    }
    human.push('\n');
    let fields: Vec<Value> = payload
        .fields()
        .map(|f| qr_json(&f, 0, &mut human))
        .collect();
    let mut map = Map::new();
    map.insert("crc_valid".into(), json!(payload.crc_valid()));
    map.insert("valid".into(), json!(verdict.is_ok()));
    map.insert(
        "strict_error".into(),
        verdict.err().map_or(
            Value::Null,
            |e| json!({"kind": e.kind().as_str(), "message": e.to_string()}),
        ),
    );
    map.insert("fields".into(), Value::Array(fields));
    Ok(Output::with_human(map, human))
}

fn qr_json(field: &DataObject<'_>, depth: usize, human: &mut String) -> Value {
    let mut obj = Map::new();
    let id = format!("{:02}", field.id());
    let indent = "  ".repeat(depth);
    obj.insert("id".into(), json!(id));
    if field.is_template() {
        human.push_str(&format!("{indent}{id}\n"));
        let children: Vec<Value> = field
            .children()
            .map(|c| qr_json(&c, depth + 1, human))
            .collect();
        obj.insert("children".into(), Value::Array(children));
    } else {
        human.push_str(&format!(
            "{indent}{id}  {}\n",
            escape_control(field.value())
        ));
        obj.insert("value".into(), json!(field.value()));
    }
    Value::Object(obj)
}
