#!/usr/bin/env bash
# Builds the static library, then every tests/c/test_*.c under
# AddressSanitizer + UndefinedBehaviorSanitizer, and once more plain under
# valgrind (no leaks, no errors).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -p paycore-ffi --locked
LIB=target/debug/libpaycore.a
OUT=tests/c/build
mkdir -p "$OUT"
CFLAGS=(-std=c99 -Wall -Wextra -Wpedantic -Werror -g -Iinclude -Itests/c)
LIBS=(-lpthread -ldl -lm)
for src in tests/c/test_*.c tests/c/example_*.c; do
    name=$(basename "$src" .c)
    gcc "${CFLAGS[@]}" -fsanitize=address,undefined -fno-sanitize-recover=all \
        "$src" "$LIB" "${LIBS[@]}" -o "$OUT/$name.asan"
    ASAN_OPTIONS=detect_leaks=1 "$OUT/$name.asan"
    gcc "${CFLAGS[@]}" "$src" "$LIB" "${LIBS[@]}" -o "$OUT/$name"
    valgrind --quiet --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite \
        "$OUT/$name" >/dev/null
done

# The installed library, found through pkg-config as a firmware build would.
prefix="$OUT/prefix"
scripts/install-c.sh "$prefix" >/dev/null
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
gcc -std=c99 -Wall -Wextra -Wpedantic -Werror tests/c/example_sale.c \
    $(pkg-config --cflags --libs --static paycore) -o "$OUT/example_sale.pkgconfig"
LD_LIBRARY_PATH="$prefix/lib" "$OUT/example_sale.pkgconfig" | tail -n 1

