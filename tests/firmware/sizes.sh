#!/usr/bin/env bash
# Flash cost of libpaycore.a in three typical firmware images (LTO inside
# the library, --gc-sections at link): each image references only the
# functions it lists; the figure is its .text + .rodata + .data minus that
# of the same image without paycore. Usage: sizes.sh LIB OUTDIR
set -euo pipefail
LIB=$1
OUT=$2
PIN_DUKPT_MAC="paycore_key_new paycore_key_free paycore_key_kcv paycore_pin_block_encipher
 paycore_pin_block_decipher paycore_pin_block_translate paycore_dukpt_host_transaction
 paycore_dukpt_originator_load_tdes paycore_dukpt_originator_load_aes
 paycore_dukpt_originator_restore paycore_dukpt_originator_next
 paycore_dukpt_originator_free paycore_dukpt_tx_working_key paycore_dukpt_tx_free
 paycore_mac_generate paycore_mac_verify paycore_set_rng"
ECDSA_VERIFY="paycore_verify paycore_verify_raw"
EVERYTHING=$(arm-none-eabi-nm -g --defined-only "$LIB" 2>/dev/null |
    awk '$2 == "T" && $3 ~ /^paycore_/ { print $3 }' | sort -u)

image() { # name, functions...
    local name=$1
    shift
    {
        echo "extern void semihost_exit(int);"
        for f in "$@"; do echo "extern void $f(void);"; done
        echo "void (*volatile const keep[])(void) = {"
        for f in "$@"; do echo "    $f,"; done
        echo "    0};"
        echo "void paycore_panic(void) { semihost_exit(9); for (;;) {} }"
        echo "int main(void) { return keep[0] == 0; }"
    } >"$OUT/size_$name.c"
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -Os \
        -ffunction-sections -fdata-sections -w --specs=nano.specs -nostartfiles \
        -T tests/firmware/mps2.ld -Wl,--gc-sections tests/firmware/startup.c \
        "$OUT/size_$name.c" "$LIB" -o "$OUT/size_$name.elf" 2>/dev/null
    arm-none-eabi-size -A "$OUT/size_$name.elf" |
        awk '$1 == ".text" || $1 == ".data" || $1 == ".ARM.exidx" { s += $2 } END { print s }'
}
base=$(image base)
printf '%-34s %8s\n' "paycore flash (bytes, hard-float)" "size"
for set in pin_dukpt_mac pin_dukpt_mac_ecdsa_verify everything; do
    case $set in
    pin_dukpt_mac) fns=$PIN_DUKPT_MAC ;;
    pin_dukpt_mac_ecdsa_verify) fns="$PIN_DUKPT_MAC $ECDSA_VERIFY" ;;
    everything) fns=$EVERYTHING ;;
    esac
    # shellcheck disable=SC2086
    total=$(image "$set" $fns)
    printf '%-34s %8d\n' "$set" $((total - base))
done
