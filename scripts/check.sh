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
if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
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

step "benches compile"
cargo bench -p paycore-benches --no-run --locked

step "fuzz smoke (${FUZZ_SECONDS}s per target)"
(
    cd fuzz
    cargo +nightly fuzz build -O
    for target in $(cargo +nightly fuzz list); do
        mkdir -p "corpus/$target"
        cargo +nightly fuzz run -O "$target" -- -max_total_time="$FUZZ_SECONDS" -rss_limit_mb=2048 2>&1 | tail -n 2
    done
)

step "all checks passed"
