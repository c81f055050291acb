//! BER-TLV parse + full-tree walk over a realistic chip-card response,
//! with a plain byte-loop baseline over the same buffer in the same group.
//!
//! The buffer is four READ RECORD templates (70) of a real Debit MasterCard
//! session (github.com/MichaelsPlayground/TalkToYourCreditCardPart7,
//! 'docs/talk aab m mc debit.html'; also in tests/vectors/tlv.json),
//! repeated to about 2.7 KiB.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use core::hint::black_box;
use core::ops::ControlFlow;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use paycore::card::dol::Dol;
use paycore::card::tlv::{self, Limits, Tag};

const RECORDS: [&str; 4] = [
    // card_read_record_sfi1_rec1
    "70759F6C0200019F6206000000000F009F63060000000000FE563442353337353035303030303136303131305E202F5E323430333232313237393433323930303030303030303030303030303030309F6401029F65020F009F660200FE9F6B135375050000160110D24032210000000000000F9F670102",
    // card_read_record_sfi2_rec1
    "7081A69F420209785F25032203015F24032403315A0853750500001601105F3401009F0702FFC09F080200028C279F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F34039F21039F7C148D0C910A8A0295059F37049F4C088E0E000000000000000042031E031F039F0D05B4508400009F0E0500000000009F0F05B4708480005F280202809F4A018257135375050000160110D24032212794329000000F",
    // card_read_record_sfi4_rec1
    "7081B89F4701039F4681B03CADA902AFB40289FBDFEA01950C498191442C1B48234DCAFF66BCA63CBF821A3121FA808E4275A4E894B154C1874BDDB00F16276E92C73C04468253B373F1E6A9A89E2705B4670682D0ADFF05617A21D7684031A1CDB438E66CD98D591DC376398C8AAB4F137A2226122990D9B2B4C72DED6495D637338FEFA893AE7FB4EB845F8EC2E260D2385A780F9FDA64B3639A9547ADAD806F78C9BC9F17F9D4C5B26474B9BA03892A754FFDF24DF04C702F86",
    // card_read_record_sfi4_rec2
    "7081E08F01059F3201039224ABFD2EBC115C3796E382BE7E9863B92C266CCABC8BD014923024C80563234E8A11710A019081B004CC60769CABE557A9F2D83C7C73F8B177DBF69288E332F151FBA10027301BB9A18203BA421BDA9C2CC8186B975885523BF6707F287A5E88F0F6CD79A076319C1404FCDD1F4FA011F7219E1BF74E07B25E781D6AF017A9404DF9FD805B05B76874663EA88515018B2CB6140DC001A998016D28C4AF8E49DFCC7D9CEE314E72AE0D993B52CAE91A5B5C76B0B33E7AC14A7294B59213CA0C50463CFB8B040BB8AC953631B80FA85A698B00228B5FF44223",
];

fn response(copies: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for _ in 0..copies {
        for r in RECORDS {
            out.extend(hex::decode(r).unwrap());
        }
    }
    out
}

fn bench_tlv(c: &mut Criterion) {
    let mut group = c.benchmark_group("tlv");
    for copies in [1usize, 4] {
        let data = response(copies);
        group.throughput(Throughput::Bytes(data.len() as u64));
        // Floor: touch every byte once (count the 0x9F tag bytes).
        group.bench_with_input(
            BenchmarkId::new("byte_loop_baseline", data.len()),
            &data,
            |b, d| {
                b.iter(|| black_box(d).iter().filter(|x| **x == 0x9F).count());
            },
        );
        group.bench_with_input(
            BenchmarkId::new("validate_full_tree", data.len()),
            &data,
            |b, d| {
                b.iter(|| tlv::validate(black_box(d), Limits::default()).unwrap());
            },
        );
        group.bench_with_input(
            BenchmarkId::new("walk_with_name_lookup", data.len()),
            &data,
            |b, d| {
                b.iter(|| {
                    let mut total = 0usize;
                    tlv::walk::<()>(black_box(d), Limits::default(), |t| {
                        total += t.value().len() + usize::from(t.tag().name().is_some());
                        ControlFlow::Continue(())
                    })
                    .unwrap();
                    total
                });
            },
        );
        group.bench_with_input(
            BenchmarkId::new("find_first_tag57", data.len()),
            &data,
            |b, d| {
                b.iter(|| {
                    tlv::find(black_box(d), Tag::TRACK2_EQUIVALENT_DATA, Limits::default()).unwrap()
                });
            },
        );
    }
    group.finish();

    let mut group = c.benchmark_group("dol");
    // CDOL1 of the same card (66 bytes of data).
    let cdol1 = hex::decode(
        "9F02069F03069F1A0295055F2A029A039C019F37049F35019F45029F4C089F34039F21039F7C14",
    )
    .unwrap();
    let values: [(Tag, &[u8]); 4] = [
        (Tag::AMOUNT_AUTHORISED, &[0, 0, 0, 0, 0x10, 0]),
        (Tag::TERMINAL_COUNTRY_CODE, &[0x09, 0x78]),
        (Tag::TRANSACTION_CURRENCY_CODE, &[0x09, 0x78]),
        (Tag::UNPREDICTABLE_NUMBER, &[1, 2, 3, 4]),
    ];
    group.throughput(Throughput::Bytes(66));
    group.bench_function("parse_and_build_cdol1", |b| {
        let mut out = [0u8; 66];
        b.iter(|| {
            let dol = Dol::parse(black_box(&cdol1)).unwrap();
            dol.build_from(&values, &mut out).unwrap()
        });
    });
    group.finish();
}

criterion_group!(benches, bench_tlv);
criterion_main!(benches);
