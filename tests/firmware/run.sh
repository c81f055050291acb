#!/usr/bin/env bash
# Bare-metal firmware test: builds libpaycore.a for Cortex-M4F
# (thumbv7em-none-eabihf, no_std, profile `firmware`), links it into a
# minimal C firmware for QEMU's mps2-an386 board with vectors generated from
# tests/vectors/*.json, runs it under qemu-system-arm with semihosting, and
# fails on any failed check or stack-budget excess. Also builds the
# soft-float library (thumbv7em-none-eabi) and prints flash sizes.
set -euo pipefail
cd "$(dirname "$0")/../.."
for tool in arm-none-eabi-gcc qemu-system-arm python3; do
    command -v "$tool" >/dev/null || { echo "firmware test: $tool missing" >&2; exit 1; }
done

for target in thumbv7em-none-eabihf thumbv7em-none-eabi; do
    if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$target"; then
        rustup target add "$target" >/dev/null
    fi
done

OUT=target/firmware-test
mkdir -p "$OUT"
for target in thumbv7em-none-eabihf thumbv7em-none-eabi; do
    # Only the staticlib: bare-metal targets have no cdylib.
    cargo rustc -p paycore-ffi --lib --crate-type staticlib --profile firmware \
        --no-default-features --target "$target" --locked
    test -f "target/$target/firmware/libpaycore.a"
done
LIB=target/thumbv7em-none-eabihf/firmware/libpaycore.a

python3 tests/firmware/gen_vectors.py >"$OUT/vectors.h"

CFLAGS=(-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -O2 -g
    -std=gnu11 -Wall -Wextra -Werror -ffunction-sections -fdata-sections
    -Iinclude -I"$OUT")
LDFLAGS=(--specs=nano.specs --specs=rdimon.specs -nostartfiles -T tests/firmware/mps2.ld
    -Wl,--gc-sections)
arm-none-eabi-gcc "${CFLAGS[@]}" "${LDFLAGS[@]}" -Wl,-Map="$OUT/fw.map" \
    tests/firmware/startup.c tests/firmware/main.c "$LIB" -o "$OUT/fw.elf"

# The soft-float library links into soft-float firmware too.
arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=soft -O2 -std=gnu11 -Iinclude -I"$OUT" \
    -ffunction-sections -fdata-sections "${LDFLAGS[@]}" \
    tests/firmware/startup.c tests/firmware/main.c \
    target/thumbv7em-none-eabi/firmware/libpaycore.a -o "$OUT/fw-softfloat.elf"

echo "whole test images (startup + newlib-nano + tests + vectors + paycore):"
arm-none-eabi-size "$OUT/fw.elf" "$OUT/fw-softfloat.elf"
tests/firmware/sizes.sh "$LIB" "$OUT"
echo "paycore RAM (.bss: handle pools, borrow record):"
arm-none-eabi-nm -S -C "$OUT/fw.elf" | grep -E 'pool::SLOTS|io::BORROWS' |
    while read -r _ size _ name; do printf '  %6d  %s\n' "$((16#$size))" "$name"; done

run() { # image, log
    local status=0
    timeout 300 qemu-system-arm -M mps2-an386 -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native -kernel "$1" | tee "$2" || status=$?
    if [ "$status" -ne 0 ] || ! grep -q ", 0 failed$" "$2"; then
        echo "firmware test FAILED: $1 (exit $status)" >&2
        exit 1
    fi
}
run "$OUT/fw.elf" "$OUT/run.log"
echo "soft-float image (thumbv7em-none-eabi library):"
run "$OUT/fw-softfloat.elf" "$OUT/run-softfloat.log" | tail -n 1
