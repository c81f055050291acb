#!/usr/bin/env bash
# Builds the C library in release mode and installs libpaycore.a,
# libpaycore.so, include/paycore.h and a pkg-config file under PREFIX.
#
#   scripts/install-c.sh /opt/paycore
#   PKG_CONFIG_PATH=/opt/paycore/lib/pkgconfig cc app.c $(pkg-config --cflags --libs --static paycore)
set -euo pipefail
cd "$(dirname "$0")/.."
prefix="${1:?usage: scripts/install-c.sh PREFIX}"
prefix="$(mkdir -p "$prefix" && cd "$prefix" && pwd)"
target_dir="${CARGO_TARGET_DIR:-target}"
cargo build -p paycore-ffi --release --locked
version="$(cargo pkgid -p paycore-ffi | sed 's/.*[#@]//')"
mkdir -p "$prefix/lib/pkgconfig" "$prefix/include"
cp "$target_dir/release/libpaycore.a" "$target_dir/release/libpaycore.so" "$prefix/lib/"
cp include/paycore.h "$prefix/include/"
sed -e "s|@PREFIX@|$prefix|" -e "s|@VERSION@|$version|" bindings/c/paycore.pc.in \
    > "$prefix/lib/pkgconfig/paycore.pc"
echo "installed paycore $version under $prefix"
