//! The China UnionPay / 国密 commands against tests/vectors/sm.json.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use assert_cmd::Command;
use serde_json::Value;

const VECTORS: &str = include_str!("../../../tests/vectors/sm.json");

fn run(args: &[&str]) -> (i32, Value) {
    let out = Command::cargo_bin("paycore")
        .unwrap()
        .arg("--json")
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(stdout.lines().count(), 1, "one JSON line: {stdout}");
    (
        out.status.code().unwrap(),
        serde_json::from_str(&stdout).unwrap(),
    )
}

fn ok(args: &[&str]) -> Value {
    let (code, v) = run(args);
    assert_eq!(code, 0, "{args:?}: {v}");
    v
}

fn err(args: &[&str]) -> Value {
    let (code, v) = run(args);
    assert_eq!(code, 2, "{args:?}: {v}");
    v["error"].clone()
}

fn vectors(kind: &str) -> Vec<Value> {
    let all: Value = serde_json::from_str(VECTORS).unwrap();
    let v: Vec<Value> = all["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| v["kind"] == kind)
        .cloned()
        .collect();
    assert!(!v.is_empty());
    v
}

fn s<'a>(v: &'a Value, k: &str) -> &'a str {
    v[k].as_str().unwrap()
}

#[test]
fn sm3_and_sm2() {
    for v in vectors("sm3") {
        let out = ok(&["sm3", "--data", s(&v["inputs"], "data")]);
        assert_eq!(out["digest"], v["expected"]["digest"]);
    }
    for v in vectors("sm2") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let id = String::from_utf8(hex::decode(s(i, "distid")).unwrap()).unwrap();
        for sig in [s(e, "signature"), s(e, "signature_der")] {
            let args = [
                "sm2",
                "verify",
                "--public-key",
                s(i, "public_key"),
                "--data",
                s(i, "message"),
                "--signature",
                sig,
            ];
            assert_eq!(ok(&args)["valid"], true);
            let mut with_id = args.to_vec();
            with_id.extend(["--id", &id]);
            assert_eq!(ok(&with_id)["valid"], true);
            let mut wrong_id = args.to_vec();
            wrong_id.extend(["--id", "ALICE123@YAHOO.COM"]);
            assert_eq!(ok(&wrong_id)["valid"], false);
        }
        let signed = ok(&[
            "sm2",
            "sign",
            "--private-key",
            s(i, "private_key"),
            "--data",
            "00FF",
        ]);
        let sig = s(&signed, "signature");
        assert_eq!(sig.len(), 128);
        let verify = |data: &str| {
            ok(&[
                "sm2",
                "verify",
                "--public-key",
                s(i, "public_key"),
                "--data",
                data,
                "--signature",
                sig,
            ])["valid"]
                .clone()
        };
        assert_eq!(verify("00FF"), true);
        assert_eq!(verify("00FE"), false);
    }
    let kp = ok(&["sm2", "keygen"]);
    assert_eq!(s(&kp, "private_key").len(), 64);
    assert_eq!(s(&kp, "public_key").len(), 130);
}

#[test]
fn kcv_unwrap_pinblock_mac() {
    for v in vectors("kcv") {
        let i = &v["inputs"];
        let len = i["length"].to_string();
        let out = ok(&[
            "kcv",
            "--key",
            s(i, "key"),
            "--algorithm",
            s(i, "algorithm"),
            "--length",
            &len,
        ]);
        assert_eq!(out["kcv"], v["expected"]["kcv"]);
    }
    for v in vectors("unwrap") {
        let i = &v["inputs"];
        let args = [
            "cup",
            "unwrap",
            "--tmk",
            s(i, "tmk"),
            "--key",
            s(i, "key"),
            "--algorithm",
            s(i, "algorithm"),
            "--check-value",
        ];
        let mut good = args.to_vec();
        good.push(s(i, "check_value"));
        assert_eq!(ok(&good)["kcv"], v["expected"]["kcv"]);
        let mut wrong = hex::decode(s(i, "check_value")).unwrap();
        wrong[3] ^= 1;
        let wrong = hex::encode_upper(wrong);
        let mut bad = args.to_vec();
        bad.push(&wrong);
        assert_eq!(err(&bad)["kind"], "verification_failed");
    }
    for v in vectors("sm4_pin") {
        let i = &v["inputs"];
        let fill = i["pan_fill"].to_string();
        let mut args = vec!["--format", "sm4", "--key", s(i, "key"), "--pan-fill", &fill];
        if let Some(pan) = i["pan"].as_str() {
            args.extend(["--pan", pan]);
        }
        let mut enc = vec!["pinblock", "encipher", "--pin", s(i, "pin")];
        enc.extend(&args);
        assert_eq!(ok(&enc)["block"], v["expected"]["block"]);
        let mut dec = vec![
            "pinblock",
            "decipher",
            "--block",
            s(&v["expected"], "block"),
        ];
        dec.extend(&args);
        assert_eq!(ok(&dec)["pin"], i["pin"]);
        // An SM4 block of the wrong length is refused.
        let short = &s(&v["expected"], "block")[..16];
        let mut dec = vec!["pinblock", "decipher", "--block", short];
        dec.extend(&args);
        err(&dec);
    }
    for (kind, alg) in [
        ("cup_ecb", "cup-ecb"),
        ("cbc", "cbc"),
        ("xor_encrypt", "xor-encrypt"),
    ] {
        for v in vectors(kind) {
            let i = &v["inputs"];
            let args = [
                "mac",
                "--algorithm",
                alg,
                "--cipher",
                s(i, "cipher"),
                "--key",
                s(i, "key"),
                "--data",
                s(i, "data"),
            ];
            let want = if kind == "cup_ecb" { "ascii" } else { "mac" };
            assert_eq!(ok(&args)["mac"], v["expected"][want], "{}", v["id"]);
            if let Some(bytes) = v["expected"]["bytes"].as_str() {
                let mut b = args.to_vec();
                b.extend(["--output", "bytes"]);
                assert_eq!(ok(&b)["mac"], bytes);
            }
        }
    }
    // --pan-fill belongs to the SM4 format only.
    err(&[
        "pinblock",
        "encipher",
        "--format",
        "0",
        "--key",
        "0123456789ABCDEFFEDCBA9876543210",
        "--pin",
        "1234",
        "--pan",
        "4111111111111111",
        "--pan-fill",
        "2",
    ]);
    // SM4 keys of the wrong length; AES is not a CUP cipher.
    err(&["kcv", "--key", "00112233", "--algorithm", "sm4"]);
    err(&[
        "mac",
        "--algorithm",
        "cup-ecb",
        "--cipher",
        "aes",
        "--key",
        "00112233445566778899AABBCCDDEEFF",
        "--data",
        "00",
    ]);
}

#[test]
fn demo_cup_sm() {
    let v = ok(&["demo", "--cup-sm"]);
    assert_eq!(v["ok"], true);
    let steps = v["steps"].as_array().unwrap();
    let find = |name: &str| {
        steps
            .iter()
            .find(|s| s["step"] == name)
            .unwrap_or_else(|| panic!("missing step {name}"))
    };
    assert_eq!(
        find("Host: build field 62")["field62"]
            .as_str()
            .unwrap()
            .len(),
        120
    );
    assert_eq!(find("5. Verify MAC")["valid"], true);
    assert_eq!(find("5. Verify MAC")["edited_amount_refused"], true);
    assert_eq!(find("6. Decipher PIN block")["pin_verified"], true);
    assert_eq!(find("7. Decrypt track 2")["matches"], true);
    assert_eq!(find("8. Verify SM2 signature")["wrong_id_refused"], true);
    // The clear PAN and PIN never appear.
    assert!(!v.to_string().contains("6225885916163157"));
    let out = Command::cargo_bin("paycore")
        .unwrap()
        .args(["demo", "--cup-sm"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("sale completed")
    );
}

#[test]
fn cup_wrap_install_track() {
    for v in vectors("unwrap") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let out = ok(&[
            "cup",
            "wrap",
            "--tmk",
            s(i, "tmk"),
            "--key",
            s(e, "clear"),
            "--algorithm",
            s(i, "algorithm"),
        ]);
        assert_eq!(out["key"], i["key"], "{}", v["id"]);
        assert_eq!(out["kcv"], e["kcv"]);
    }
    for v in vectors("field62") {
        let (i, e) = (&v["inputs"], &v["expected"]);
        let layout = i["layout"].to_string();
        let kcv_len = i["kcv_len"].to_string();
        let args = [
            "cup",
            "install",
            "--tmk",
            s(i, "tmk"),
            "--layout",
            &layout,
            "--kcv-length",
            &kcv_len,
            "--field62",
        ];
        let mut good = args.to_vec();
        good.push(s(i, "field62"));
        let out = ok(&good);
        let (pik_alg, mak_alg) = match layout.as_str() {
            "1" => ("des", "des"),
            "3" | "4" => ("tdes", "des"),
            _ => ("sm4", "sm4"),
        };
        let kcv = |key: &str, alg: &str| {
            ok(&["kcv", "--key", key, "--algorithm", alg, "--length", "4"])["kcv"].clone()
        };
        assert_eq!(out["pik_kcv"], kcv(s(e, "pik"), pik_alg), "{}", v["id"]);
        assert_eq!(out["mak_kcv"], kcv(s(e, "mak"), mak_alg));
        match e["tdk"].as_str() {
            Some(tdk) => assert_eq!(out["tdk_kcv"], kcv(tdk, pik_alg)),
            None => assert!(out["tdk_kcv"].is_null()),
        }
        // One flipped bit in the last check value: nothing installed.
        let mut bad = hex::decode(s(i, "field62")).unwrap();
        let last = bad.len() - 1;
        bad[last] ^= 1;
        let bad = hex::encode_upper(bad);
        let mut refused = args.to_vec();
        refused.push(&bad);
        assert_eq!(err(&refused)["kind"], "verification_failed");
    }
    for v in vectors("track") {
        let i = &v["inputs"];
        let out = ok(&[
            "cup",
            "track",
            "encrypt",
            "--key",
            s(i, "key"),
            "--algorithm",
            s(i, "cipher"),
            "--track",
            s(i, "track"),
        ]);
        assert_eq!(out["data"], v["expected"]["encrypted"], "{}", v["id"]);
        let digits = s(i, "track").len().to_string();
        let back = ok(&[
            "cup",
            "track",
            "decrypt",
            "--key",
            s(i, "key"),
            "--algorithm",
            s(i, "cipher"),
            "--data",
            s(&v["expected"], "encrypted"),
            "--digits",
            &digits,
        ]);
        assert_eq!(back["track"], i["track"]);
    }
    // A track too short for an SM4 block is malformed input.
    let e = err(&[
        "cup",
        "track",
        "encrypt",
        "--key",
        "19191919191919191919191919191919",
        "--algorithm",
        "sm4",
        "--track",
        "6225885916163157=4912",
    ]);
    assert_eq!(e["kind"], "malformed");
}
