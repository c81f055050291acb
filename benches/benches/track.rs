//! Benchmarks for card data parsing: PAN + Luhn, track 2, track 1, tag 57
//! and EMVCo QR, each beside a trivial byte-scan over the same input as the
//! floor (what merely touching every byte costs).
#![allow(missing_docs)]

use core::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paycore::card::pan::Pan;
use paycore::card::qr::Payload;
use paycore::card::track::{Track1, Track2};

// Published samples: globalpayments SDK TestCards (tracks, tag 57) and the
// EMV QRCPS-MPM v1.1 example payload.
const PAN: &str = "4012002000060016";
const TRACK2: &str = ";4012002000060016=25121011803939600000?";
const TRACK1: &str = "%B4012002000060016^VI TEST CREDIT^251210118039000000000396?";
const TAG57: [u8; 19] = [
    0x47, 0x61, 0x73, 0x90, 0x01, 0x01, 0x01, 0x19, 0xD2, 0x21, 0x22, 0x01, 0x14, 0x38, 0x04, 0x40,
    0x00, 0x00, 0x0F,
];
const QR: &str = "00020101021229300012D156000000000510A93FO3230Q31280012D15600000001030812345678520441115802CN5914BEST TRANSPORT6007BEIJING64200002ZH0104最佳运输0202北京540523.7253031565502016233030412340603***0708A60086670902ME91320016A0112233449988770708123456786304A13A";

/// The floor: one pass over the bytes looking for a separator.
fn byte_scan(input: &[u8]) -> usize {
    input.iter().filter(|&&c| c == b'=' || c == b'^').count()
}

fn card(c: &mut Criterion) {
    let mut group = c.benchmark_group("card");
    let cases: [(&str, &[u8]); 5] = [
        ("pan", PAN.as_bytes()),
        ("track2", TRACK2.as_bytes()),
        ("track1", TRACK1.as_bytes()),
        ("tag57", &TAG57),
        ("qr", QR.as_bytes()),
    ];
    for (name, input) in cases {
        group.throughput(Throughput::Bytes(input.len() as u64));
        group.bench_with_input(BenchmarkId::new("byte_scan", name), input, |b, i| {
            b.iter(|| byte_scan(black_box(i)));
        });
    }
    group.throughput(Throughput::Bytes(PAN.len() as u64));
    group.bench_function(BenchmarkId::new("parse", "pan+luhn"), |b| {
        b.iter(|| Pan::parse(black_box(PAN)).map(|p| p.luhn_valid()));
    });
    group.throughput(Throughput::Bytes(TRACK2.len() as u64));
    group.bench_function(BenchmarkId::new("parse", "track2"), |b| {
        b.iter(|| Track2::parse(black_box(TRACK2)).is_ok());
    });
    group.throughput(Throughput::Bytes(TRACK1.len() as u64));
    group.bench_function(BenchmarkId::new("parse", "track1"), |b| {
        b.iter(|| Track1::parse(black_box(TRACK1)).is_ok());
    });
    group.throughput(Throughput::Bytes(TAG57.len() as u64));
    group.bench_function(BenchmarkId::new("parse", "tag57"), |b| {
        b.iter(|| Track2::from_tag57(black_box(&TAG57)).is_ok());
    });
    group.throughput(Throughput::Bytes(QR.len() as u64));
    group.bench_function(BenchmarkId::new("parse", "qr"), |b| {
        b.iter(|| Payload::parse(black_box(QR)).map(|p| p.crc_valid()));
    });
    group.finish();
}

criterion_group!(benches, card);
criterion_main!(benches);
