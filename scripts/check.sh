#!/usr/bin/env bash
# The one test command: installs what a fresh Debian 12 machine with rustup
# needs, then runs every check. `.ci/run` calls exactly this.
#
#   scripts/check.sh            everything
#   FUZZ_SECONDS=5 scripts/check.sh   fuzz smoke length per target (default 5)
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }
FUZZ_SECONDS="${FUZZ_SECONDS:-5}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step "install: toolchain components, bare-metal target, nightly, cargo-fuzz"
rustup component add rustfmt clippy >/dev/null
rustup target add thumbv7em-none-eabihf >/dev/null
if ! rustup toolchain list | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal
fi
rustup +nightly component add miri rust-src >/dev/null
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi
# cbindgen is pinned: the committed header must match what this version writes.
if [ "$(cbindgen --version 2>/dev/null)" != "cbindgen 0.29.4" ]; then
    cargo install cbindgen --version 0.29.4 --locked --force
fi
missing=()
for tool in gcc valgrind; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
done
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && apt-get install -y -qq "${missing[@]}"
fi
# Bare-metal firmware test: ARM cross compiler, newlib, QEMU.
if ! dpkg -s gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm >/dev/null 2>&1; then
    apt-get update -qq && apt-get install -y -qq gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
fi

step "fmt"
cargo fmt --all -- --check
(cd fuzz && cargo fmt -- --check)

step "clippy (every package, default / no-default / all features, all targets)"
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy -p paycore --all-targets --no-default-features --locked -- -D warnings
cargo clippy -p paycore --all-targets --no-default-features --features alloc --locked -- -D warnings
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings

step "tests: no-default-features, default, all-features"
cargo test -p paycore --no-default-features --locked
cargo test --workspace --locked
cargo test --workspace --all-features --locked

step "doc tests and docs"
cargo test -p paycore --doc --locked
RUSTDOCFLAGS="-D warnings" cargo doc -p paycore --no-deps --locked

step "bare-metal build (thumbv7em-none-eabihf, no_std, no alloc)"
cargo build -p paycore --no-default-features --target thumbv7em-none-eabihf --locked
cargo build -p paycore --no-default-features --features alloc --target thumbv7em-none-eabihf --locked

step "C header drift (include/paycore.h must match cbindgen output)"
cbindgen --config bindings/c/cbindgen.toml --crate paycore-ffi --output target/paycore.h.new bindings/c
diff -u include/paycore.h target/paycore.h.new
grep -q "#define PAYCORE_VERSION \"$(cargo pkgid -p paycore-ffi | sed 's/.*[#@]//')\"" include/paycore.h

step "C tests (ASan + UBSan, then valgrind)"
tests/c/run.sh

# The C boundary rules (lengths, aliasing, handle tags, secret outputs)
# through the exported functions, under Miri's aliasing model (~30 s warm).
step "Kotlin (JVM) and Python bindings: Kotlin tests, Kotlin sale, Python smoke"
tests/kotlin/run.sh

step "Android: paycore-uniffi compiles for aarch64 and armv7 (staticlib; no NDK here)"
rustup target add aarch64-linux-android armv7-linux-androideabi >/dev/null
for t in aarch64-linux-android armv7-linux-androideabi; do
    cargo rustc -q -p paycore-uniffi --lib --target "$t" --crate-type staticlib --locked
done

step "Miri: C ABI boundary tests"
cargo +nightly miri test -p paycore-ffi --lib --locked boundary_tests

step "benches compile"
cargo bench -p paycore-benches --no-run --locked

step "fuzz smoke (${FUZZ_SECONDS}s per target)"
(
    cd fuzz
    cargo +nightly fuzz build -O -a
    for target in $(cargo +nightly fuzz list); do
        mkdir -p "corpus/$target"
        cargo +nightly fuzz run -O -a "$target" -- -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 2>&1 | tail -n 2
    done
)

step "bare-metal firmware: libpaycore.a on QEMU mps2-an386 (vectors, stack, flash)"
tests/firmware/run.sh

step "MSRV (rust-version = 1.85): core and C ABI check"
rustup toolchain install 1.85 --profile minimal >/dev/null 2>&1 || rustup toolchain list | grep -q '^1.85'
CARGO_TARGET_DIR=target/msrv cargo +1.85 check -p paycore --no-default-features --locked
CARGO_TARGET_DIR=target/msrv cargo +1.85 check -p paycore -p paycore-ffi --locked

step "all checks passed"
