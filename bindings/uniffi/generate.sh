#!/usr/bin/env bash
# Generates the Kotlin and Python bindings of paycore-uniffi into OUTDIR
# (default target/uniffi) from an unstripped build of the library, with the
# in-workspace uniffi-bindgen (library mode), then applies one safety patch
# to the generated Kotlin (below). Usage: bindings/uniffi/generate.sh [LIB] [OUTDIR]
#
# The patch: uniffi 0.32's Kotlin lowers an object argument with
# `value.uniffiCloneHandle()`, which does not check whether the Kotlin
# object was already closed; passing a closed Key to a function would make
# Rust clone a freed Arc (use after free). The patch lowers through the
# generated `callWithHandle`, which raises IllegalStateException("... object
# has already been destroyed") for a closed object, as method calls do.
set -euo pipefail
cd "$(dirname "$0")/../.."
LIB=${1:-target/debug/libpaycore_uniffi.so}
OUT=${2:-target/uniffi}
nice cargo build -q -p paycore-uniffi-bindgen
rm -rf "$OUT"
target/debug/uniffi-bindgen generate "$LIB" -l kotlin -l python -o "$OUT" --no-format >/dev/null
KT="$OUT/dev/paycore/paycore_uniffi.kt"
objects=$(grep -c '^        return value\.uniffiCloneHandle()$' "$KT")
sed -i 's/^\(        return value\)\.uniffiCloneHandle()$/\1.callWithHandle { it }/' "$KT"
patched=$(grep -c '^        return value\.callWithHandle { it }$' "$KT")
if [ "$objects" -eq 0 ] || [ "$patched" -ne "$objects" ]; then
    echo "generate.sh: patched $patched object lowerings, expected $objects (uniffi template changed?)" >&2
    exit 1
fi
