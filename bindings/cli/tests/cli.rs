//! Runs the `paycore` binary for every subcommand, good and bad input.

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
