//! Runs the `paycore` binary for every subcommand, good and bad input.
// Test helpers outside #[test] fns: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

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
/// track 2 and tag 57 vector through the binary; the PAN comes out masked.
#[test]
fn track_vectors() {
    let mut ran = 0;
    for v in vectors(include_str!("../../../tests/vectors/track.json"), "") {
        let id = v["id"].as_str().unwrap();
        let (i, e) = (&v["inputs"], &v["expected"]);
        let data = i["data"].as_str().unwrap_or_default();
        let out = match i["kind"].as_str().unwrap() {
            "track2" if e.get("error").is_none() && e.get("pan").is_some() => {
                json_ok(&["track2", "parse", data])
            }
            "tag57" if e.get("pan").is_some() => json_ok(&["track2", "parse", "--tag57", data]),
            "track1" if e.get("pan").is_some() => json_ok(&["track1", "parse", data]),
            _ => continue,
        };
        let pan = e["pan"].as_str().unwrap();
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

/// tests/vectors/qr.json: strictly valid payloads decode with crc_valid.
#[test]
fn qr_vectors() {
    let mut ran = 0;
    for v in vectors(include_str!("../../../tests/vectors/qr.json"), "") {
        let Some(payload) = v["inputs"]["payload"].as_str() else {
            continue;
        };
        if v["expected"]["crc_valid"] != true || v["expected"].get("error").is_some() {
            continue;
        }
        let out = json_ok(&["qr", "decode", payload]);
        assert_eq!(out["crc_valid"], true, "{}", v["id"]);
        assert_eq!(out["fields"][0]["id"], "00");
        ran += 1;
    }
    assert!(ran >= 3, "only {ran} QR vectors ran");
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
            json_err(&["tlv", "decode", hex]);
        }
    }
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
        if e["kcv_method"] == "legacy" && e["kcv"].as_str().is_some_and(|k| k.len() == 6) {
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
/// HMAC-SHA256 (16/24/32-byte keys) through `paycore mac`.
#[test]
fn mac_vectors() {
    let mut ran = 0;
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
            "hmac_sha256" if matches!(key.len(), 32 | 48 | 64) => {
                args.extend(["--algorithm", "hmac-sha256"])
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

/// keygen -> sign -> verify, tamper rejected; RFC 6979 A.2.5 public key.
#[test]
fn sign_round_trip() {
    let keys = json_ok(&["sign", "keygen"]);
    let private = keys["private_key"].as_str().unwrap();
    let public = keys["public_key"].as_str().unwrap();
    assert_eq!(public.len(), 130);
    let record = "0102030405";
    let sig = json_ok(&["sign", "sign", "--key", private, "--record", record]);
    let raw = sig["signature"].as_str().unwrap();
    let der = sig["signature_der"].as_str().unwrap();
    assert_eq!(
        json_ok(&[
            "sign",
            "verify",
            "--public-key",
            public,
            "--record",
            record,
            "--signature",
            raw
        ])["valid"],
        true
    );
    assert_eq!(
        json_ok(&[
            "sign",
            "verify",
            "--public-key",
            public,
            "--record",
            record,
            "--signature",
            der
        ])["valid"],
        true
    );
    let e = json_err(&[
        "sign",
        "verify",
        "--public-key",
        public,
        "--record",
        "0102030406",
        "--signature",
        raw,
    ]);
    assert_eq!(e["error"]["kind"], "verification_failed");
    // RFC 6979 A.2.5: private key C9AFA9D8... has public Ux = 60FED4BA...
    let rfc = json_ok(&[
        "sign",
        "sign",
        "--key",
        "C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721",
        "--record",
        "73616D706C65",
    ]);
    assert!(
        rfc["public_key"]
            .as_str()
            .unwrap()
            .starts_with("0460FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6")
    );
    assert!(
        rfc["signature"]
            .as_str()
            .unwrap()
            .starts_with("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716")
    );
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
