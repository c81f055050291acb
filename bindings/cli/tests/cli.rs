//! Runs the `paycore` binary for every subcommand, good and bad input.
// Test helpers outside #[test] fns: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::{Value, json};

fn paycore() -> Command {
    Command::cargo_bin("paycore").expect("binary built")
}

/// Runs with `--json`, expects success, returns the one JSON object.
fn json_ok(args: &[&str]) -> Value {
    let out = paycore().arg("--json").args(args).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "exactly one JSON line: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

/// Runs with `--json`, expects exit 2, a JSON error and a one-line stderr.
fn json_err(args: &[&str]) -> Value {
    let out = paycore().arg("--json").args(args).assert().code(2);
    let output = out.get_output();
    let stdout = String::from_utf8(output.stdout.clone()).unwrap();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one-line stderr: {stderr}");
    let v: Value = serde_json::from_str(&stdout).unwrap();
    assert!(v["error"]["kind"].is_string() && v["error"]["message"].is_string());
    v
}

#[test]
fn pan_inspect() {
    let v = json_ok(&["pan", "inspect", "4111111111111111"]);
    assert_eq!(v["pan_masked"], "411111******1111");
    assert_eq!(v["length"], 16);
    assert_eq!(v["luhn_valid"], true);
    assert_eq!(v["brand"], "visa");
    let v = json_ok(&["pan", "inspect", "5555555555554445"]);
    assert_eq!(v["luhn_valid"], false);
    assert_eq!(v["brand"], "mastercard");
    let e = json_err(&["pan", "inspect", "4111-1111"]);
    assert_eq!(e["error"]["kind"], "invalid_pan");
    // The human form is a table, and errors never echo the input.
    let out = paycore()
        .args(["pan", "inspect", "4111111111111111"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("pan_masked  411111******1111"));
    let out = paycore()
        .args(["pan", "inspect", "41111111x1111111"])
        .assert()
        .code(2);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(!err.contains("41111111"));
}

// KCV of the X9.24-1 Annex A BDK 0123456789ABCDEFFEDCBA9876543210 is 08D7B4.
#[test]
fn kcv() {
    let v = json_ok(&["kcv", "--key", "0123456789abcdeffedcba9876543210"]);
    assert_eq!(v["kcv"], "08D7B4");
    assert_eq!(v["method"], "legacy");
    let v = json_ok(&[
        "kcv",
        "--key",
        "2B7E151628AED2A6ABF7158809CF4F3C",
        "--algorithm",
        "aes",
    ]);
    assert_eq!(v["method"], "cmac");
    assert_eq!(v["kcv"].as_str().unwrap().len(), 10);
    assert_eq!(
        json_err(&["kcv", "--key", "0123"])["error"]["kind"],
        "invalid_key"
    );
    assert_eq!(
        json_err(&["kcv", "--key", "XYZ"])["error"]["kind"],
        "invalid_argument"
    );
    assert_eq!(json_err(&["kcv"])["error"]["kind"], "invalid_argument");
}

/// Every PIN vector of tests/vectors/pin.json (sources cited there) through
/// the binary: encode, decode, encipher, decipher and decode rejections.
#[test]
fn pinblock_vectors() {
    let file: Value =
        serde_json::from_str(include_str!("../../../tests/vectors/pin.json")).unwrap();
    let mut ran = 0;
    for v in file["vectors"].as_array().unwrap() {
        let id = v["id"].as_str().unwrap();
        let i = &v["inputs"];
        let e = &v["expected"];
        let format = i["format"].to_string();
        let mut args: Vec<String> = vec!["pinblock".into()];
        let pan_args = |args: &mut Vec<String>| {
            if let Some(pan) = i["pan"].as_str() {
                args.extend(["--pan".into(), pan.into()]);
            }
        };
        match v["kind"].as_str().unwrap() {
            kind @ ("encode" | "encipher") => {
                args.extend([kind.into(), "--format".into(), format]);
                if kind == "encipher" {
                    args.extend(["--key".into(), i["key"].as_str().unwrap().into()]);
                }
                args.extend(["--pin".into(), i["pin"].as_str().unwrap().into()]);
                pan_args(&mut args);
                if let Some(fill) = i["fill"].as_str().filter(|f| !f.is_empty()) {
                    args.extend(["--fill".into(), fill.into()]);
                }
                let want = if kind == "encode" {
                    &e["clear_block"]
                } else {
                    &e["enciphered_block"]
                };
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                assert_eq!(json_ok(&args)["block"], *want, "{id}");
            }
            kind @ ("decode" | "decipher") => {
                args.extend([kind.into(), "--format".into(), format]);
                let block = if kind == "decode" {
                    &i["clear_block"]
                } else {
                    args.extend(["--key".into(), i["key"].as_str().unwrap().into()]);
                    &i["enciphered_block"]
                };
                args.extend(["--block".into(), block.as_str().unwrap().into()]);
                pan_args(&mut args);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                assert_eq!(json_ok(&args)["pin"], e["pin"], "{id}");
            }
            "reject_decode" => {
                args.extend(["decode".into(), "--format".into(), format]);
                args.extend(["--block".into(), i["clear_block"].as_str().unwrap().into()]);
                pan_args(&mut args);
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                assert_eq!(json_err(&args)["error"]["kind"], e["kind"], "{id}");
            }
            _ => continue,
        }
        ran += 1;
    }
    assert!(ran >= 40, "only {ran} vectors ran");
}

/// ISO 9564-1 PIN block PANs have 1-19 digits: the short-PAN vectors of
/// pin.json run above; here a 1-digit PAN, and the refusals (empty,
/// non-digit, 20 digits) that never echo the PAN.
#[test]
fn pinblock_short_pans() {
    let v = json_ok(&[
        "pinblock", "encode", "--format", "0", "--pin", "1234", "--pan", "7",
    ]);
    assert_eq!(v["block"], "041234FFFFFFFFFF");
    for bad in ["", "12a45", "12345678901234567890"] {
        let e = json_err(&[
            "pinblock", "encode", "--format", "0", "--pin", "1234", "--pan", bad,
        ]);
        assert_eq!(e["error"]["kind"], "invalid_pan", "{bad:?}");
        if !bad.is_empty() {
            assert!(!e["error"]["message"].as_str().unwrap().contains(bad));
        }
    }
}

#[test]
fn pinblock_errors() {
    // Wrong key length for format 4, missing PAN, bad PIN, bad format.
    let e = json_err(&[
        "pinblock",
        "encipher",
        "--format",
        "4",
        "--key",
        "0123456789ABCDEF",
        "--pin",
        "1234",
        "--pan",
        "4111111111111111",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_key");
    let e = json_err(&["pinblock", "encode", "--format", "0", "--pin", "1234"]);
    assert_eq!(e["error"]["kind"], "invalid_pin");
    let e = json_err(&["pinblock", "encode", "--format", "1", "--pin", "12a4"]);
    assert_eq!(e["error"]["kind"], "invalid_pin");
    assert!(!e["error"]["message"].as_str().unwrap().contains("12a4"));
    let e = json_err(&["pinblock", "encode", "--format", "7", "--pin", "1234"]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    // Round trip through encipher/decipher with random fill (format 3).
    let key = "0123456789ABCDEFFEDCBA9876543210";
    let pan = "4111111111111111";
    let block = json_ok(&[
        "pinblock", "encipher", "--format", "3", "--key", key, "--pin", "987654", "--pan", pan,
    ])["block"]
        .as_str()
        .unwrap()
        .to_owned();
    let v = json_ok(&[
        "pinblock", "decipher", "--format", "3", "--key", key, "--block", &block, "--pan", pan,
    ]);
    assert_eq!(v["pin"], "987654");
}

fn vectors(text: &str, list: &str) -> Vec<Value> {
    let file: Value = serde_json::from_str(text).unwrap();
    let list = if list.is_empty() {
        file
    } else {
        file[list].clone()
    };
    list.as_array().unwrap().clone()
}

/// tests/vectors/track.json (sources cited there): every accepted track 1,
/// track 2 and tag 57 vector through the binary; the PAN comes out masked,
/// and in clear with `--reveal` (the rest unchanged).
#[test]
fn track_vectors() {
    let mut ran = 0;
    for v in vectors(include_str!("../../../tests/vectors/track.json"), "") {
        let id = v["id"].as_str().unwrap();
        let (i, e) = (&v["inputs"], &v["expected"]);
        let data = i["data"].as_str().unwrap_or_default();
        let args: Vec<&str> = match i["kind"].as_str().unwrap() {
            "track2" if e.get("error").is_none() && e.get("pan").is_some() => {
                vec!["track2", "parse", data]
            }
            "tag57" if e.get("pan").is_some() => vec!["track2", "parse", "--tag57", data],
            "track1" if e.get("pan").is_some() => vec!["track1", "parse", data],
            _ => continue,
        };
        let out = json_ok(&args);
        let pan = e["pan"].as_str().unwrap();
        let mut reveal_args = args.clone();
        reveal_args.insert(2, "--reveal");
        let revealed = json_ok(&reveal_args);
        assert_eq!(revealed["pan"], pan, "{id}: --reveal");
        for key in [
            "expiry",
            "service_code",
            "discretionary",
            "pan_length",
            "luhn_valid",
        ] {
            assert_eq!(
                revealed[key], out[key],
                "{id}: --reveal changes only the PAN"
            );
        }
        let masked = format!(
            "{}{}{}",
            &pan[..6],
            "*".repeat(pan.len() - 10),
            &pan[pan.len() - 4..]
        );
        assert_eq!(out["pan"], masked, "{id}");
        if let Some(expiry) = e["expiry"].as_str() {
            assert_eq!(out["expiry"], expiry, "{id}");
        }
        if let Some(code) = e["service_code"].as_str() {
            assert_eq!(out["service_code"], code, "{id}");
        }
        if let Some(d) = e["discretionary"].as_str() {
            assert_eq!(out["discretionary"], d, "{id}");
        }
        assert!(!out.to_string().contains(pan), "{id}: clear PAN printed");
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} track vectors ran");
    let e = json_err(&["track2", "parse", ";4111111111111111=25?"]);
    assert_eq!(e["error"]["kind"], "malformed");
    json_err(&["track2", "parse", "--tag57", "ZZ"]);
}

/// tests/vectors/qr.json: every decodable payload decodes with its
/// crc_valid and the strict verdict (`valid`, `strict_error` with the
/// vector's `strict_message`); undecodable ones are errors.
#[test]
fn qr_vectors() {
    let mut ran = 0;
    let mut invalid = 0;
    for v in vectors(include_str!("../../../tests/vectors/qr.json"), "") {
        let Some(payload) = v["inputs"]["payload"].as_str() else {
            continue;
        };
        let (id, e) = (&v["id"], &v["expected"]);
        if e["crc_valid"].is_null() {
            assert_eq!(
                json_err(&["qr", "decode", payload])["error"]["kind"],
                "malformed"
            );
            continue;
        }
        let out = json_ok(&["qr", "decode", payload]);
        assert_eq!(out["crc_valid"], e["crc_valid"], "{id}");
        let strict_ok = e["strict"] == "ok";
        if strict_ok {
            assert_eq!(out["fields"][0]["id"], "00", "{id}");
        }
        assert_eq!(out["valid"], strict_ok, "{id}");
        if strict_ok {
            assert!(out["strict_error"].is_null(), "{id}");
        } else {
            assert_eq!(out["strict_error"]["kind"], "malformed", "{id}");
            assert_eq!(out["strict_error"]["message"], e["strict_message"], "{id}");
            invalid += 1;
        }
        ran += 1;
    }
    assert!(
        ran >= 20 && invalid >= 15,
        "only {ran} QR vectors ran ({invalid} invalid)"
    );
    // Issue 10.5a: format indicator 02 (vector emvco-format-02) in the
    // human output too.
    let format_02 = vectors(include_str!("../../../tests/vectors/qr.json"), "")
        .into_iter()
        .find(|v| v["id"] == "emvco-format-02")
        .unwrap();
    let out = paycore()
        .args([
            "qr",
            "decode",
            format_02["inputs"]["payload"].as_str().unwrap(),
        ])
        .assert()
        .success();
    let human = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        human.contains("valid      false (QR: invalid value for ID 00)"),
        "{human}"
    );
    // A corrupted CRC decodes leniently with crc_valid=false.
    let good = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104\u{6700}\u{4f73}\u{8fd0}\u{8f93}0202\u{5317}\u{4eac}540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
    let bad = good.replace("6304A13A", "6304A13B");
    assert_eq!(json_ok(&["qr", "decode", &bad])["crc_valid"], false);
    json_err(&["qr", "decode", "0002"]);
}

/// tests/vectors/tlv.json: every parse vector decodes to the published tree
/// (tags and structure); sensitive values are masked unless --reveal.
#[test]
fn tlv_vectors() {
    fn same_shape(got: &Value, want: &Value, reveal: bool) {
        let got = got.as_array().unwrap();
        let want = want.as_array().unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g["tag"], w["tag"]);
            if let Some(children) = w.get("children") {
                same_shape(&g["children"], children, reveal);
            } else if reveal {
                assert_eq!(g["value"], w["value"]);
            }
        }
    }
    let mut ran = 0;
    for v in vectors(include_str!("../../../tests/vectors/tlv.json"), "parse") {
        let hex = v["inputs"]["hex"].as_str().unwrap();
        let Some(tree) = v["expected"].get("tree") else {
            continue;
        };
        same_shape(&json_ok(&["tlv", "decode", hex])["tlvs"], tree, false);
        same_shape(
            &json_ok(&["tlv", "decode", "--reveal", hex])["tlvs"],
            tree,
            true,
        );
        ran += 1;
    }
    assert!(ran >= 5, "only {ran} TLV vectors ran");
    // 5A (PAN) is masked by default and named.
    let out = json_ok(&["tlv", "decode", "5A08411111111111111F"]);
    assert_eq!(out["tlvs"][0]["value"], "411111*****1111");
    assert_eq!(
        out["tlvs"][0]["name"],
        "Application Primary Account Number (PAN)"
    );
    for v in vectors(include_str!("../../../tests/vectors/tlv.json"), "reject") {
        if let Some(hex) = v["inputs"]["hex"].as_str() {
            let e = json_err(&["tlv", "decode", hex]);
            assert_eq!(e["error"]["kind"], "malformed", "{}", v["id"]);
        }
    }
    // Issue 10.2: an empty EMV Book C-2 Data Record is a named template.
    let out = json_ok(&["tlv", "decode", "FF810500"]);
    assert_eq!(out["tlvs"][0]["tag"], "FF8105");
    assert_eq!(out["tlvs"][0]["name"], "Data Record");
    assert_eq!(out["tlvs"][0]["children"], serde_json::json!([]));
    // Issue 10.5c: a 4-byte length field is refused with its own message.
    let e = json_err(&["tlv", "decode", "9C83000001FF"]);
    assert_eq!(
        e["error"]["message"],
        "TLV: length field at offset 1 is longer than the 3 bytes EMV allows"
    );
}

/// X9.24-1:2009 Annex A.4.2 and X9.24-3-2017 vectors: the PIN key for
/// every published KSN through `dukpt derive`.
#[test]
fn dukpt_vectors() {
    let tdes: Value = serde_json::from_str(include_str!(
        "../../../tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json"
    ))
    .unwrap();
    let bdk = tdes["common"]["bdk"].as_str().unwrap();
    let mut ran = 0;
    for v in tdes["vectors"].as_array().unwrap() {
        let (Some(ksn), Some(pin_key)) = (v["ksn"].as_str(), v["pin_key"].as_str()) else {
            continue;
        };
        let out = json_ok(&["dukpt", "derive", "--bdk", bdk, "--ksn", ksn]);
        assert_eq!(out["key"], pin_key, "{ksn}");
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} TDES vectors ran");
    let e = json_err(&["dukpt", "derive", "--bdk", bdk, "--ksn", "FFFF98765432"]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "dukpt",
        "derive",
        "--bdk",
        bdk,
        "--ksn",
        "FFFF9876543210E00001",
        "--usage",
        "bogus",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "dukpt",
        "derive",
        "--bdk",
        bdk,
        "--ksn",
        "FFFF9876543210E00001",
        "--key-type",
        "aes256",
    ]);
    assert_eq!(e["error"]["kind"], "unsupported");
}

/// tests/vectors/tr31.json: every unwrap vector with an exportable key, the
/// published wrap (random padding: unwrap the result instead), rejections.
#[test]
fn tr31_vectors() {
    let file = include_str!("../../../tests/vectors/tr31.json");
    let mut ran = 0;
    for v in vectors(file, "unwrap") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let mut args = vec![
            "tr31",
            "unwrap",
            "--kbpk",
            i["kbpk"].as_str().unwrap(),
            "--block",
            i["block"].as_str().unwrap(),
        ];
        // Legacy key-block policy: A and C are refused unless --allow-legacy.
        if e["version"] == "A" || e["version"] == "C" {
            let refused = json_err(&args);
            assert_eq!(refused["error"]["kind"], "unsupported", "{}", v["id"]);
            args.push("--allow-legacy");
        }
        let out = json_ok(&args);
        for field in [
            "version",
            "key_usage",
            "algorithm",
            "mode_of_use",
            "key_version",
            "exportability",
        ] {
            assert_eq!(out[field], e[field], "{} {field}", v["id"]);
        }
        if e["exportability"] != "N" {
            assert_eq!(out["key"], e["key"], "{}", v["id"]);
        } else {
            assert!(out["key"].is_null());
        }
        if e.get("kcv_withheld").is_some() {
            // A verify-only MAC key (ISO 20038 B.3, M3/V): the unwrap
            // succeeds and says why the check value is not shown.
            assert!(out["kcv"].is_null(), "{}", v["id"]);
            assert!(
                out["kcv_withheld"]
                    .as_str()
                    .is_some_and(|r| r.contains("verify-only")),
                "{}",
                v["id"]
            );
        } else if e["kcv_method"] == "legacy" && e["kcv"].as_str().is_some_and(|k| k.len() == 6) {
            assert_eq!(out["kcv"], e["kcv"], "{}", v["id"]);
        }
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} unwrap vectors ran");
    for v in vectors(file, "wrap") {
        let i = &v["inputs"];
        let header = format!(
            "{}0000{}{}{}{}{}0000",
            i["version"].as_str().unwrap(),
            i["key_usage"].as_str().unwrap(),
            i["algorithm"].as_str().unwrap(),
            i["mode_of_use"].as_str().unwrap(),
            i["key_version"].as_str().unwrap(),
            i["exportability"].as_str().unwrap()
        );
        let kbpk = i["kbpk"].as_str().unwrap();
        let block = json_ok(&[
            "tr31",
            "wrap",
            "--kbpk",
            kbpk,
            "--key",
            i["key"].as_str().unwrap(),
            "--header",
            &header,
        ]);
        let block = block["block"].as_str().unwrap();
        assert_eq!(block.len(), v["expected"]["block"].as_str().unwrap().len());
        let out = json_ok(&["tr31", "unwrap", "--kbpk", kbpk, "--block", block]);
        if i["exportability"] == "N" {
            // No padding (version E): the published block exactly.
            assert_eq!(i["padding"], "");
            assert_eq!(
                block,
                v["expected"]["block"].as_str().unwrap(),
                "{}",
                v["id"]
            );
            assert!(out["key"].is_null());
        } else {
            assert_eq!(out["key"], i["key"]);
        }
    }
    // X9.143 §8.5/§8.6: asymmetric private keys (DER), extended-length CT blocks.
    let mut private = 0;
    for v in vectors(file, "unwrap_private_key") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let kbpk = i["kbpk"].as_str().unwrap();
        let out = json_ok(&[
            "tr31",
            "unwrap",
            "--kbpk",
            kbpk,
            "--block",
            i["block"].as_str().unwrap(),
        ]);
        for field in [
            "version",
            "key_usage",
            "algorithm",
            "mode_of_use",
            "exportability",
        ] {
            assert_eq!(out[field], e[field], "{} {field}", v["id"]);
        }
        assert!(out["key"].is_null(), "{}: marked N", v["id"]);
        assert!(out["kcv"].is_null());
        let ids: Vec<&str> = out["optional_blocks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["id"].as_str().unwrap())
            .collect();
        let want: Vec<&str> = e["optional_block_ids"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b.as_str().unwrap())
            .collect();
        assert_eq!(ids, want);
        let header = format!("E0000S0{}S00E0000", e["algorithm"].as_str().unwrap());
        let wrapped = json_ok(&[
            "tr31",
            "wrap",
            "--kbpk",
            kbpk,
            "--key",
            e["der"].as_str().unwrap(),
            "--header",
            &header,
        ]);
        let back = json_ok(&[
            "tr31",
            "unwrap",
            "--kbpk",
            kbpk,
            "--block",
            wrapped["block"].as_str().unwrap(),
        ]);
        assert_eq!(back["key"], e["der"], "{}", v["id"]);
        assert_eq!(back["version"], "E");
        private += 1;
    }
    assert_eq!(private, 2);
    for v in vectors(file, "reject") {
        let i = &v["inputs"];
        let e = json_err(&[
            "tr31",
            "unwrap",
            "--kbpk",
            i["kbpk"].as_str().unwrap(),
            "--block",
            i["block"].as_str().unwrap(),
            "--allow-legacy",
        ]);
        assert_eq!(
            e["error"]["kind"], v["expected"]["error_kind"],
            "{}",
            v["id"]
        );
    }
}

/// tests/vectors/mac.json: retail MAC, ISO 9797-1 alg 1, AES/TDES CMAC and
/// HMAC-SHA256 (keys of any length) through `paycore mac`.
#[test]
fn mac_vectors() {
    let mut ran = 0;
    let mut hmac = 0;
    for v in vectors(include_str!("../../../tests/vectors/mac.json"), "vectors") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let key = i["key"].as_str().unwrap();
        let data = i["message"].as_str().unwrap();
        let padding = i["padding"].as_u64().unwrap_or(1).to_string();
        let mut args = vec!["mac", "--key", key, "--data", data, "--padding", &padding];
        match v["kind"].as_str().unwrap() {
            "aes_cmac" => args.extend(["--algorithm", "cmac"]),
            "tdes_cmac" => args.extend(["--algorithm", "cmac", "--cipher", "tdes"]),
            "retail_mac" => args.extend(["--algorithm", "retail"]),
            "iso9797_alg1" if key.len() != 16 => args.extend(["--algorithm", "iso9797-1-alg1"]),
            "hmac_sha256" => {
                args.extend(["--algorithm", "hmac-sha256"]);
                hmac += 1;
            }
            _ => continue,
        }
        let out = json_ok(&args);
        let want = e["mac"].as_str().unwrap();
        let got = out["mac"].as_str().unwrap();
        assert!(got.starts_with(want), "{}: {got} vs {want}", v["id"]);
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} MAC vectors ran");
    // RFC 4231 test cases 1-7 (keys of 4, 20, 25 and 131 bytes) and RFC 4868.
    assert_eq!(hmac, 9, "HMAC-SHA256 vectors");
    let e = json_err(&[
        "mac",
        "--algorithm",
        "hmac-sha256",
        "--key",
        "",
        "--data",
        "00",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_key");
    let e = json_err(&[
        "mac",
        "--algorithm",
        "retail",
        "--key",
        "0123456789ABCDEF",
        "--data",
        "00",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_key");
}

fn sign_json(name: &str) -> Vec<Value> {
    let text = match name {
        "domains" => include_str!("../../../tests/vectors/sign_domains.json"),
        _ => include_str!("../../../tests/vectors/sign_rfc6979.json"),
    };
    let file: Value = serde_json::from_str(text).unwrap();
    file["vectors"].as_array().unwrap().clone()
}

fn verify(public: &str, what: &str, msg: &str, sig: &str, raw: bool) -> Value {
    let mut args = vec![
        "sign",
        "verify",
        "--public-key",
        public,
        what,
        msg,
        "--signature",
        sig,
    ];
    if raw {
        args.push("--raw");
    }
    let out = paycore().arg("--json").args(&args).output().unwrap();
    serde_json::from_str(String::from_utf8(out.stdout).unwrap().trim()).unwrap()
}

/// keygen -> sign -> verify a record, tamper rejected.
#[test]
fn sign_round_trip() {
    let keys = json_ok(&["sign", "keygen"]);
    let private = keys["private_key"].as_str().unwrap();
    let public = keys["public_key"].as_str().unwrap();
    assert_eq!(public.len(), 130);
    let domains = sign_json("domains");
    let record = domains[1]["inputs"]["message"].as_str().unwrap();
    let sig = json_ok(&["sign", "sign", "--key", private, "--record", record]);
    assert_eq!(sig["domain"], "record");
    let raw = sig["signature"].as_str().unwrap();
    let der = sig["signature_der"].as_str().unwrap();
    for s in [raw, der] {
        let v = verify(public, "--record", record, s, false);
        assert_eq!(
            (v["valid"].clone(), v["domain"].clone()),
            (json!(true), json!("record"))
        );
    }
    // Flip the last byte of the record (inside a text field).
    let mut tampered = record.to_string();
    tampered.replace_range(record.len() - 1.., "1");
    let e = verify(public, "--record", &tampered, raw, false);
    assert_eq!(e["error"]["kind"], "verification_failed");
    // Not a record: refused before signing.
    let e = json_err(&["sign", "sign", "--key", private, "--record", "0102030405"]);
    assert_eq!(e["error"]["kind"], "malformed");
    // --record and --data exclude each other; --raw needs --data.
    paycore()
        .args([
            "sign", "sign", "--key", private, "--record", record, "--data", "00",
        ])
        .assert()
        .code(2);
    paycore()
        .args([
            "sign", "sign", "--key", private, "--record", record, "--raw",
        ])
        .assert()
        .code(2);
}

/// Issue 11.3: a generic (or raw) signature over a record's bytes is never
/// accepted as the record's signature, nor the reverse.
#[test]
fn sign_domains_are_separate() {
    let domains = sign_json("domains");
    let private = domains[1]["inputs"]["private_key"].as_str().unwrap();
    let record = domains[1]["inputs"]["message"].as_str().unwrap();
    let public = json_ok(&["sign", "sign", "--key", private, "--data", "00"])["public_key"]
        .as_str()
        .unwrap()
        .to_string();
    let generic = json_ok(&["sign", "sign", "--key", private, "--data", record]);
    assert_eq!(generic["domain"], "generic");
    let generic = generic["signature"].as_str().unwrap();
    let raw = json_ok(&["sign", "sign", "--key", private, "--data", record, "--raw"]);
    assert_eq!(raw["domain"], "raw");
    let raw = raw["signature"].as_str().unwrap();
    let rec = json_ok(&["sign", "sign", "--key", private, "--record", record]);
    let rec = rec["signature"].as_str().unwrap();
    for forged in [generic, raw] {
        let e = verify(&public, "--record", record, forged, false);
        assert_eq!(e["error"]["kind"], "verification_failed");
    }
    assert_eq!(
        verify(&public, "--data", record, generic, false)["valid"],
        true
    );
    assert_eq!(verify(&public, "--data", record, raw, true)["valid"], true);
    for as_raw in [false, true] {
        let e = verify(&public, "--data", record, rec, as_raw);
        assert_eq!(e["error"]["kind"], "verification_failed");
    }
    // Raw signing in the paycore/ namespace is refused ("paycore/record/v2\0" || record).
    let labelled = format!("706179636F72652F7265636F72642F763200{record}");
    let e = json_err(&[
        "sign", "sign", "--key", private, "--data", &labelled, "--raw",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    // A version 1 record (signed without a label) is refused.
    let v1 = format!("01{}", &record[2..]);
    let e = verify(&public, "--record", &v1, rec, false);
    assert_eq!(e["error"]["kind"], "malformed");
}

/// tests/vectors/sign_domains.json (generic and record vectors) and RFC 6979
/// A.2.5 through --data --raw.
#[test]
fn sign_vectors() {
    for v in sign_json("domains") {
        let i = &v["inputs"];
        let key = i["private_key"].as_str().unwrap();
        let want = v["expected"]["signature"].as_str();
        let flag = match v["kind"].as_str().unwrap() {
            "generic" => "--data",
            "record" => "--record",
            _ => continue,
        };
        let msg = i["message"].as_str().unwrap();
        let got = json_ok(&["sign", "sign", "--key", key, flag, msg]);
        assert_eq!(got["signature"].as_str(), want, "{}", v["id"]);
    }
    for v in sign_json("rfc6979") {
        let i = &v["inputs"];
        let e = &v["expected"];
        let msg = hex::encode_upper(i["message_ascii"].as_str().unwrap());
        let got = json_ok(&[
            "sign",
            "sign",
            "--key",
            i["private_key"].as_str().unwrap(),
            "--data",
            &msg,
            "--raw",
        ]);
        let public = got["public_key"].as_str().unwrap();
        let x = e["r"].as_str().unwrap();
        assert!(public.starts_with(&format!("04{}", i["public_key_x"].as_str().unwrap())));
        assert!(
            got["signature"].as_str().unwrap().starts_with(x),
            "{}",
            v["id"]
        );
        // The RFC's own (r, s) verifies as raw if low-S (the CLI rejects high S).
        let rfc = format!("{x}{}", e["s"].as_str().unwrap());
        let ours = got["signature"].as_str().unwrap();
        assert_eq!(verify(public, "--data", &msg, ours, true)["valid"], true);
        if rfc == ours {
            assert_eq!(verify(public, "--data", &msg, &rfc, true)["valid"], true);
        }
        assert_eq!(
            verify(public, "--data", &msg, ours, false)["error"]["kind"],
            "verification_failed"
        );
    }
}

/// The demo runs with no arguments and no files, and every check in it holds.
#[test]
fn demo() {
    let v = json_ok(&["demo"]);
    assert_eq!(v["ok"], true);
    let steps = v["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    for expected in [
        "1. Read card (chip)",
        "4. PIN block",
        "5. Request MAC",
        "9. Derive keys (BDK + KSN)",
        "13. Translate PIN block",
        "14. Verify journal",
    ] {
        assert!(
            names.contains(&expected),
            "missing step {expected}: {names:?}"
        );
    }
    let derive = steps
        .iter()
        .find(|s| s["step"] == "9. Derive keys (BDK + KSN)")
        .unwrap();
    assert_eq!(derive["matches_terminal"], true);
    let journal = steps
        .iter()
        .find(|s| s["step"] == "14. Verify journal")
        .unwrap();
    assert_eq!(journal["problems"], 0);
    // The tamper demonstration names both the deleted and the edited entry.
    let report = v["tamper_report"].to_string();
    assert!(
        report.contains("Missing") && report.contains("Altered"),
        "{report}"
    );
    // No clear PAN anywhere in the output.
    assert!(!v.to_string().contains("4761739001010010"));
    let out = paycore().arg("demo").assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("Sale completed"));
    assert!(!text.contains("4761739001010010"));
}

/// A usage error never echoes what was typed (a misplaced value may be a key
/// or a PIN): one line, the argument's name, exit status 2.
#[test]
fn usage_errors_do_not_echo_values() {
    for args in [
        vec!["kcv", "0123456789ABCDEFFEDCBA9876543210"],
        vec![
            "kcv",
            "--key",
            "0123456789ABCDEFFEDCBA9876543210",
            "--method",
            "0123456789ABCDEF",
        ],
        vec!["pinblock", "encode", "--format", "0", "987654"],
        vec!["pinblock", "encode", "--format", "987654", "--pin", "1234"],
    ] {
        let e = json_err(&args);
        let message = e["error"]["message"].as_str().unwrap();
        for secret in ["0123456789ABCDEF", "987654"] {
            assert!(!message.contains(secret), "{args:?}: {message}");
        }
        let out = paycore().args(&args).assert().code(2);
        let stderr = String::from_utf8(out.get_output().stderr.clone()).unwrap();
        assert!(!stderr.contains("987654") && !stderr.contains("0123456789ABCDEF"));
    }
}

/// `-` reads a secret from standard input instead of the command line.
#[test]
fn secrets_from_stdin() {
    let out = paycore()
        .args(["--json", "kcv", "--key", "-"])
        .write_stdin("0123456789ABCDEFFEDCBA9876543210\n")
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["kcv"], "08D7B4");
    let out = paycore()
        .args([
            "--json",
            "pinblock",
            "encode",
            "--format",
            "0",
            "--pin",
            "-",
            "--pan",
            "4012345678909",
        ])
        .write_stdin("1234\n")
        .assert()
        .success();
    let v: Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    // X9.24-1:2009 Annex A: PIN 1234, PAN 4012345678909.
    assert_eq!(v["block"], "041274EDCBA9876F");
    // Nothing on standard input: a clear error, exit 2.
    paycore()
        .args(["kcv", "--key", "-"])
        .write_stdin("")
        .assert()
        .code(2);
}

/// A non-UTF-8 argument (here a key and a PIN ending in byte 0xFF) is bad
/// input like any other: exit 2, one line, the value never printed, no panic.
#[test]
fn non_utf8_argument_is_a_usage_error() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt;
    let mut key = b"0123456789ABCDEFFEDCBA9876543210".to_vec();
    key.push(0xFF);
    let mut pin = b"987654".to_vec();
    pin.push(0xFF);
    let cases: Vec<Vec<OsString>> = vec![
        vec!["kcv".into(), "--key".into(), OsString::from_vec(key)],
        vec![
            "pinblock".into(),
            "encode".into(),
            "--format".into(),
            "1".into(),
            "--pin".into(),
            OsString::from_vec(pin),
        ],
    ];
    for args in cases {
        for json in [false, true] {
            let mut cmd = paycore();
            if json {
                cmd.arg("--json");
            }
            let out = cmd.args(&args).assert().code(2);
            let output = out.get_output();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let stdout = String::from_utf8_lossy(&output.stdout);
            assert_eq!(stderr.lines().count(), 1, "{stderr}");
            for text in [&stderr, &stdout] {
                assert!(
                    !text.contains("0123456789ABCDEF")
                        && !text.contains("987654")
                        && !text.contains("panicked"),
                    "{text}"
                );
            }
            if json {
                let v: Value = serde_json::from_str(stdout.trim()).unwrap();
                assert_eq!(v["error"]["kind"], "invalid_argument");
            }
        }
    }
}

/// A reader that goes away early (`paycore ... | head -c0`) is not an
/// error: the command exits quietly, no panic (status 101) and no message.
#[test]
fn closed_pipe_exits_quietly() {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("paycore"))
        .args(["kcv", "--key", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Close the read end of stdout before the command can write: it is
    // still waiting for the key on stdin.
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    stdin
        .write_all(b"0123456789ABCDEFFEDCBA9876543210\n")
        .unwrap();
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A missing subcommand is bad input like any other: one line on stderr,
/// the JSON error with `--json`, status 2 (not a page of help).
#[test]
fn missing_subcommand_is_one_line() {
    let e = json_err(&["pan"]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let out = paycore().arg("pinblock").assert().code(2);
    let output = out.get_output();
    assert!(output.stdout.is_empty());
    assert_eq!(String::from_utf8_lossy(&output.stderr).lines().count(), 1);
    // Help asked for is still help: stdout, status 0.
    paycore().args(["pan", "--help"]).assert().success();
}

/// Control characters from card or QR data never reach the terminal raw:
/// ESC (and every other control) is printed as a visible escape.
#[test]
fn control_characters_are_escaped_for_humans() {
    let good = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104\u{6700}\u{4f73}\u{8fd0}\u{8f93}0202\u{5317}\u{4eac}540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";
    let evil = good.replace("BEST TRANSPORT", "BEST\u{1b}[31mPORTS");
    assert_eq!(evil.len(), good.len());
    let out = paycore().args(["qr", "decode", &evil]).assert().success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(!text.contains('\u{1b}'), "raw ESC printed: {text:?}");
    assert!(text.contains("BEST\\x1B[31mPORTS"), "{text}");
    // JSON carries the exact value (escaped by JSON itself).
    let v = json_ok(&["qr", "decode", &evil]);
    assert!(v.to_string().contains("BEST\\u001b[31mPORTS"), "{v}");
}

/// `-` reads any PAN or secret from standard input: --pan, --block,
/// --fill, `pan inspect` and track data, one line per `-` in the order of
/// the command's arguments.
#[test]
fn dash_reads_every_pan_and_secret_from_stdin() {
    let run = |args: &[&str], stdin: &str| -> Value {
        let out = paycore()
            .arg("--json")
            .args(args)
            .write_stdin(stdin.to_owned())
            .assert()
            .success();
        serde_json::from_slice(&out.get_output().stdout).unwrap()
    };
    // X9.24-1:2009 Annex A: PIN 1234, PAN 4012345678909 -> 041274EDCBA9876F.
    let v = run(
        &[
            "pinblock", "encode", "--format", "0", "--pin", "-", "--pan", "-",
        ],
        "1234\n4012345678909\n",
    );
    assert_eq!(v["block"], "041274EDCBA9876F");
    let v = run(
        &[
            "pinblock", "decode", "--format", "0", "--block", "-", "--pan", "-",
        ],
        "041274EDCBA9876F\n4012345678909\n",
    );
    assert_eq!(v["pin"], "1234");
    // ISO 9564-1 format 1 with a given fill: the fill comes from stdin too.
    let direct = json_ok(&[
        "pinblock",
        "encode",
        "--format",
        "1",
        "--pin",
        "1234",
        "--fill",
        "A1B2C3D4E5",
    ]);
    let v = run(
        &[
            "pinblock", "encode", "--format", "1", "--pin", "1234", "--fill", "-",
        ],
        "A1B2C3D4E5\n",
    );
    assert_eq!(v["block"], direct["block"]);
    let v = run(&["pan", "inspect", "-"], "4111111111111111\n");
    assert_eq!(v["pan_masked"], "411111******1111");
    let v = run(
        &["track2", "parse", "-"],
        ";4111111111111111=2512101123456789?\n",
    );
    assert_eq!(v["pan"], "411111******1111");
    let v = run(
        &["track1", "parse", "-"],
        "%B4111111111111111^DOE/JOHN^2512101123456789?\n",
    );
    assert_eq!(v["pan"], "411111******1111");
}

/// `dukpt derive --usage mac-gen` on the host gives the terminal's MAC key
/// as a verify-only key: the derivation succeeds, the key is printed, and
/// the check value is withheld with its reason (`kcv: null`,
/// `kcv_withheld`). X9.24-1:2009 Annex A.4.2 (MAC request key, TDES) and the
/// X9.24-3-2017 supplement (MAC_GEN working keys, AES-128 BDK).
#[test]
fn dukpt_mac_gen_key_withholds_only_the_kcv() {
    let tdes: Value = serde_json::from_str(include_str!(
        "../../../tests/vectors/dukpt_tdes_x9_24_1_annex_a4_2.json"
    ))
    .unwrap();
    let bdk = tdes["common"]["bdk"].as_str().unwrap();
    let mut ran = 0;
    for v in tdes["vectors"].as_array().unwrap() {
        let (Some(ksn), Some(mac_key)) = (v["ksn"].as_str(), v["mac_request_key"].as_str()) else {
            continue;
        };
        let out = json_ok(&[
            "dukpt", "derive", "--bdk", bdk, "--ksn", ksn, "--usage", "mac-gen",
        ]);
        assert_eq!(out["key"], mac_key, "{ksn}");
        assert_eq!(out["mode_of_use"], "V", "{ksn}");
        assert!(out["kcv"].is_null(), "{ksn}");
        assert!(
            out["kcv_withheld"]
                .as_str()
                .unwrap()
                .contains("verify-only")
        );
        ran += 1;
    }
    assert!(ran >= 10, "only {ran} TDES MAC vectors ran");
    let aes: Value = serde_json::from_str(include_str!(
        "../../../tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json"
    ))
    .unwrap();
    let bdk = aes["common"]["bdk_aes128"].as_str().unwrap();
    let mut ran = 0;
    for v in aes["vectors"].as_array().unwrap() {
        if v["kind"] != "transaction" {
            continue;
        }
        let ksn = v["ksn"].as_str().unwrap();
        for (name, key_type) in [("2TDEA", "tdes2"), ("3TDEA", "tdes3"), ("AES128", "aes128")] {
            let Some(want) = v["working_keys"][format!("MAC_GEN/{name}")].as_str() else {
                continue;
            };
            let out = json_ok(&[
                "dukpt",
                "derive",
                "--bdk",
                bdk,
                "--ksn",
                ksn,
                "--usage",
                "mac-gen",
                "--key-type",
                key_type,
            ]);
            assert_eq!(out["key"], want, "{ksn} {key_type}");
            assert!(out["kcv"].is_null(), "{ksn} {key_type}");
            assert!(out["kcv_withheld"].is_string(), "{ksn} {key_type}");
            ran += 1;
        }
        // The MAC_BOTH key may generate: its check value is printed.
        let out = json_ok(&[
            "dukpt",
            "derive",
            "--bdk",
            bdk,
            "--ksn",
            ksn,
            "--usage",
            "mac-both",
            "--key-type",
            "aes128",
        ]);
        assert_eq!(out["kcv"].as_str().unwrap().len(), 10, "{ksn}");
        assert!(out.get("kcv_withheld").is_none(), "{ksn}");
    }
    assert!(ran >= 30, "only {ran} AES MAC vectors ran");
    // The human form names the reason next to the key.
    let out = paycore()
        .args([
            "dukpt",
            "derive",
            "--bdk",
            tdes["common"]["bdk"].as_str().unwrap(),
            "--ksn",
            "FFFF9876543210E00001",
            "--usage",
            "mac-gen",
        ])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.contains("042666B4918430A368DE9628D03984C9"), "{text}");
    assert!(text.contains("kcv_withheld  verify-only MAC key"), "{text}");
}
