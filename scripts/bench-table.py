#!/usr/bin/env python3
"""Prints the README benchmark table from criterion's results.

Run the benches first (`cargo bench -p paycore-benches`), then
`python3 scripts/bench-table.py`. Each row is an operation, its median, and
its ratio to the primitive floor measured in the same criterion group in the
same run (see benches/benches/*.rs).
"""

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent / "target" / "criterion"

# (label, operation id, floor id, floor label); ids are criterion's
# "group/function[/value]" as written in benchmark.json.
ROWS = [
    ("TLV validate, 2808 B chip response", "tlv/validate_full_tree/2808", "tlv/byte_loop_baseline/2808", "byte loop"),
    ("TLV walk + tag names, 2808 B", "tlv/walk_with_name_lookup/2808", "tlv/byte_loop_baseline/2808", "byte loop"),
    ("PAN parse + Luhn", "card/parse/pan+luhn", "card/byte_scan/pan", "byte scan"),
    ("Track 2 parse", "card/parse/track2", "card/byte_scan/track2", "byte scan"),
    ("Track 1 parse", "card/parse/track1", "card/byte_scan/track1", "byte scan"),
    ("Tag 57 parse", "card/parse/tag57", "card/byte_scan/tag57", "byte scan"),
    ("EMVCo QR parse (strict)", "card/parse/qr", "card/byte_scan/qr", "byte scan"),
    ("PIN format 0 encipher (TDES)", "pin/encipher/iso0/tdes2", "pin/floor/tdes2-block/schedule-per-call", "TDES schedule + block"),
    ("PIN format 4 encipher (AES-128)", "pin/encipher/iso4/aes128", "pin/floor/aes128-2-blocks/schedule-per-call", "AES schedule + 2 blocks"),
    ("PIN translate 0 TDES -> 4 AES", "pin/translate/iso0-tdes2-to-iso4-aes128/seeded-rng", "pin/floor/tdes-dec+aes128-2-enc/schedules-per-call", "TDES dec + AES schedule + 2 blocks"),
    ("DUKPT AES host PIN key", "dukpt/host-pin-key/aes128-14-bits", "dukpt/floor/aes128-schedule+block", "AES schedule + block"),
    ("DUKPT TDES host PIN key", "dukpt/host-pin-key/tdes2-10-bits", "dukpt/floor/tdes2-schedule+block", "TDES schedule + block"),
    ("DUKPT AES originator next key (+seal)", "dukpt/originator-next/aes128+seal", "dukpt/floor/aes128-schedule+block", "AES schedule + block"),
    ("TR-31 unwrap D (AES-256)", "tr31/unwrap/D/aes256-under-aes256", "tr31/floor/aes256_cmac_64_bytes", "AES-256 CMAC 64 B"),
    ("TR-31 unwrap B (TDES)", "tr31/unwrap/B/tdes3-under-tdes3", None, "no TDES floor in the group"),
    ("Retail MAC 64 B", "mac/retail_x9_19/paycore_generate/64", "mac/retail_x9_19/floor_des_cbc/64", "DES-CBC"),
    ("Retail MAC 1 KiB", "mac/retail_x9_19/paycore_generate/1024", "mac/retail_x9_19/floor_des_cbc/1024", "DES-CBC"),
    ("AES-CMAC 64 B", "mac/cmac/paycore_aes128/64", "mac/cmac/floor_aes128_cbc/64", "AES-CBC"),
    ("AES-CMAC 1 KiB", "mac/cmac/paycore_aes128/1024", "mac/cmac/floor_aes128_cbc/1024", "AES-CBC"),
    ("TDES-CMAC 1 KiB", "mac/cmac/paycore_tdes2/1024", "mac/cmac/floor_tdes2_cbc/1024", "TDES-CBC"),
    ("Record sign (ECDSA P-256)", "sign/ecdsa_p256_record/paycore_sign_record/146", "sign/ecdsa_p256_record/floor_p256_sign/146", "p256 sign"),
    ("Record verify", "sign/ecdsa_p256_record/paycore_verify_record/146", "sign/ecdsa_p256_record/floor_p256_verify/146", "p256 verify"),
    ("Seal 256 B (ECDH + HKDF + GCM)", "sign/seal_256/paycore_seal", "sign/seal_256/floor_aes256gcm_seal", "AES-256-GCM"),
    ("Open 256 B", "sign/seal_256/paycore_open", "sign/seal_256/floor_aes256gcm_seal", "AES-256-GCM"),
]


def load():
    results = {}
    for bench in ROOT.glob("**/new/benchmark.json"):
        meta = json.loads(bench.read_text())
        est = json.loads((bench.parent / "estimates.json").read_text())
        results[meta["full_id"]] = est["median"]["point_estimate"]
    return results


def fmt(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.0f} ns"


def main():
    results = load()
    if "--list" in sys.argv:
        for k in sorted(results):
            print(k, fmt(results[k]))
        return
    print("| operation | median | floor (same group, same run) | floor median | ratio |")
    print("|---|---|---|---|---|")
    for label, op, floor, floor_label in ROWS:
        if op not in results or (floor is not None and floor not in results):
            print(f"not measured: {label}", file=sys.stderr)
            continue
        a = results[op]
        if floor is None:
            print(f"| {label} | {fmt(a)} | {floor_label} | | |")
            continue
        b = results[floor]
        print(f"| {label} | {fmt(a)} | {floor_label} | {fmt(b)} | {a / b:.2f}× |")


if __name__ == "__main__":
    main()
