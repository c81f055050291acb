//! `paycore emv …` against the shared vectors of
//! tests/vectors/emv_cryptogram.json (pyemv commit cf6b82d; each vector
//! names its file and test), composed the way an engineer would at a shell:
//! icc-mk → session-key → arqc / verify-arqc → arpc.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use assert_cmd::Command;
use serde_json::Value;

fn paycore() -> Command {
    Command::cargo_bin("paycore").expect("binary built")
}

fn json_ok(args: &[&str]) -> Value {
    let out = paycore().arg("--json").args(args).assert().success();
    let stdout = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert_eq!(stdout.lines().count(), 1, "exactly one JSON line: {stdout}");
    serde_json::from_str(&stdout).unwrap()
}

fn json_err(args: &[&str]) -> Value {
    let out = paycore().arg("--json").args(args).assert().code(2);
    let output = out.get_output();
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    assert_eq!(stderr.lines().count(), 1, "one-line stderr: {stderr}");
    serde_json::from_str(&String::from_utf8(output.stdout.clone()).unwrap()).unwrap()
}

fn vectors(kind: &str) -> Vec<Value> {
    let file: Value =
        serde_json::from_str(include_str!("../../../tests/vectors/emv_cryptogram.json")).unwrap();
    let v: Vec<Value> = file["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == kind)
        .cloned()
        .collect();
    assert!(!v.is_empty());
    v
}

fn s(v: &Value, name: &str) -> String {
    v[name].as_str().unwrap().to_owned()
}

fn icc_mk(v: &Value) -> Value {
    let pan = s(v, "pan");
    let imk = s(v, "imk");
    let option = s(v, "option");
    let mut args = vec![
        "emv", "icc-mk", "--imk", &imk, "--pan", &pan, "--option", &option,
    ];
    let psn = v["psn"].as_u64().map(|p| format!("{p:02}"));
    if let Some(p) = &psn {
        args.extend(["--psn", p]);
    }
    json_ok(&args)
}

#[test]
fn icc_master_keys() {
    let mut n = 0;
    for v in vectors("icc_master_key") {
        let out = icc_mk(&v);
        if let Some(key) = v["key"].as_str() {
            assert_eq!(out["key"], key, "{}", v["source"]);
        }
        if let Some(kcv) = v["kcv"].as_str() {
            assert!(
                out["kcv"].as_str().unwrap().starts_with(kcv),
                "{}",
                v["source"]
            );
        }
        assert_eq!(out["kcv"].as_str().unwrap().len(), 6);
        n += 1;
    }
    assert_eq!(n, 11);
}

#[test]
fn session_keys_cryptograms_and_arpcs() {
    for v in vectors("session_key")
        .iter()
        .filter(|v| v["method"] == "common")
    {
        let out = json_ok(&["emv", "session-key", "--mk", &s(v, "mk"), "--r", &s(v, "r")]);
        assert_eq!(out["key"], s(v, "key"));
    }
    for v in vectors("ac") {
        let out = json_ok(&[
            "emv",
            "arqc",
            "--key",
            &s(&v, "key"),
            "--data",
            &s(&v, "data"),
        ]);
        assert_eq!(out["arqc"], s(&v, "ac"), "{}", v["source"]);
    }
    for v in vectors("arpc") {
        let (key, arqc) = (s(&v, "key"), s(&v, "arqc"));
        let out = if v["arpc_method"] == 1 {
            json_ok(&[
                "emv",
                "arpc",
                "--method",
                "1",
                "--key",
                &key,
                "--arqc",
                &arqc,
                "--arc",
                &s(&v, "arc"),
            ])
        } else {
            json_ok(&[
                "emv",
                "arpc",
                "--method",
                "2",
                "--key",
                &key,
                "--arqc",
                &arqc,
                "--csu",
                &s(&v, "csu"),
            ])
        };
        assert_eq!(out["arpc"], s(&v, "arpc"), "{}", v["source"]);
    }
}

/// The HSM chains: ICC MK → session key → ARQC (padding 1 and 2) → ARPC,
/// with the rejections: a flipped ARQC bit, a changed amount, a wrong ATC.
#[test]
fn chains_and_rejections() {
    let mut n = 0;
    for v in vectors("chain") {
        let mk = icc_mk(&v)["key"].as_str().unwrap().to_owned();
        let sk = json_ok(&["emv", "session-key", "--mk", &mk, "--r", &s(&v, "r")]);
        assert!(sk["kcv"].as_str().unwrap().starts_with(&s(&v, "sk_kcv")));
        let sk = sk["key"].as_str().unwrap().to_owned();
        let pad = v["padding"].to_string();
        let data = s(&v, "data");
        let arqc = s(&v, "ac");
        let out = json_ok(&[
            "emv",
            "arqc",
            "--key",
            &sk,
            "--data",
            &data,
            "--padding",
            &pad,
        ]);
        assert_eq!(out["arqc"], arqc, "{}", v["source"]);
        let verify = |key: &str, data: &str, arqc: &str| {
            json_ok(&[
                "emv",
                "verify-arqc",
                "--key",
                key,
                "--data",
                data,
                "--arqc",
                arqc,
                "--padding",
                &pad,
            ])["valid"]
                .as_bool()
                .unwrap()
        };
        assert!(verify(&sk, &data, &arqc));
        // A flipped ARQC bit.
        let mut bad = hex::decode(&arqc).unwrap();
        bad[7] ^= 0x01;
        assert!(!verify(&sk, &data, &hex::encode(&bad)));
        // Changed data (the amount of a real transaction).
        let mut bad = hex::decode(&data).unwrap();
        bad[5] ^= 0x01;
        assert!(!verify(&sk, &hex::encode(&bad), &arqc));
        // A wrong ATC: another R, another session key.
        let mut r = hex::decode(s(&v, "r")).unwrap();
        r[1] ^= 0x01;
        let other = json_ok(&["emv", "session-key", "--mk", &mk, "--r", &hex::encode(r)]);
        assert!(!verify(other["key"].as_str().unwrap(), &data, &arqc));
        // The ARPC.
        let key = if v["arpc_key"] == "icc_mk" { &mk } else { &sk };
        let out = if v["arpc_method"] == 1 {
            json_ok(&[
                "emv",
                "arpc",
                "--method",
                "1",
                "--key",
                key,
                "--arqc",
                &arqc,
                "--arc",
                &s(&v, "arc"),
            ])
        } else {
            let mut args = vec![
                "emv", "arpc", "--method", "2", "--key", key, "--arqc", &arqc,
            ];
            let csu = s(&v, "csu");
            let prop = s(&v, "proprietary");
            args.extend(["--csu", &csu]);
            if !prop.is_empty() {
                args.extend(["--pad", &prop]);
            }
            json_ok(&args)
        };
        assert_eq!(out["arpc"], s(&v, "arpc"), "{}", v["source"]);
        n += 1;
    }
    assert_eq!(n, 13);
}

#[test]
fn bad_input_is_exit_2_without_echo() {
    let imk = "0123456789ABCDEFFEDCBA9876543210";
    let e = json_err(&["emv", "icc-mk", "--imk", imk, "--pan", "4111111x11111111"]);
    assert_eq!(e["error"]["kind"], "invalid_pan");
    assert!(!e.to_string().contains("4111111"));
    let e = json_err(&[
        "emv",
        "icc-mk",
        "--imk",
        imk,
        "--pan",
        "4111111111111111",
        "--psn",
        "1",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "emv",
        "icc-mk",
        "--imk",
        "0123",
        "--pan",
        "4111111111111111",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_key");
    let e = json_err(&["emv", "session-key", "--mk", imk, "--r", "00112233"]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    // A wrong-length ARQC is an error, not valid:false.
    let e = json_err(&[
        "emv",
        "verify-arqc",
        "--key",
        imk,
        "--data",
        "00",
        "--arqc",
        "0011",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&["emv", "arqc", "--key", imk, "--data", "0G"]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "emv",
        "arpc",
        "--method",
        "1",
        "--key",
        imk,
        "--arqc",
        "0011223344556677",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "emv",
        "arpc",
        "--method",
        "2",
        "--key",
        imk,
        "--arqc",
        "0011223344556677",
        "--csu",
        "00000000",
        "--pad",
        "001122334455667788",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    let e = json_err(&[
        "emv",
        "arpc",
        "--method",
        "1",
        "--key",
        imk,
        "--arqc",
        "0011223344556677",
        "--arc",
        "3030",
        "--csu",
        "00000000",
    ]);
    assert_eq!(e["error"]["kind"], "invalid_argument");
    // Human output is a table.
    let out = paycore()
        .args(["emv", "arqc", "--key", imk, "--data", "00"])
        .assert()
        .success();
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(text.starts_with("arqc  "));
}

/// In `paycore demo` the card's ARQC over its CDOL1 data verifies at the
/// host, the card accepts the host's ARPC, and a one-bit amount change is
/// refused.
#[test]
fn demo_chip_authorisation() {
    let v = json_ok(&["demo"]);
    assert_eq!(v["ok"], true);
    let steps = v["steps"].as_array().unwrap();
    let step = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("step {name}"))
            .clone()
    };
    assert_eq!(
        step("Terminal: CDOL1 data")["cdol1_data"]
            .as_str()
            .unwrap()
            .len(),
        58
    );
    assert_eq!(step("Card: ARQC")["arqc"].as_str().unwrap().len(), 16);
    assert_eq!(step("Host: verify ARQC, ARPC")["arqc_valid"], true);
    assert_eq!(step("Card: verify ARPC")["arpc_valid"], true);
    assert_eq!(step("Host: amount + 1 bit")["tampered_rejected"], true);
}
