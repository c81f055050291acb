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
