#!/usr/bin/env bash
# Kotlin (JVM) and Python tests of the UniFFI bindings (bindings/uniffi).
#
# Installs what is missing (Debian libjna-java and libgoogle-gson-java; the
# Kotlin compiler from the npm package kotlin-compiler, pinned, unpacked
# under target/), builds the cdylib once, generates the Kotlin and Python
# bindings into target/uniffi (generated, not committed), compiles
# tests/kotlin/*.kt, runs the tests and the Kotlin sale, then a Python smoke
# test. Prints "N passed, M failed" lines; exits non-zero on any failure.
set -euo pipefail
SECONDS=0
phase() { echo "-- $1 (${SECONDS}s)"; }
cd "$(dirname "$0")/../.."
ROOT=$PWD
KOTLIN_VERSION=2.4.20
KHOME=$ROOT/target/kotlinc/$KOTLIN_VERSION
GEN=$ROOT/target/uniffi
OUT=$ROOT/target/kotlin-tests
LIB=$ROOT/target/debug/libpaycore_uniffi.so

need_apt=()
[ -f /usr/share/java/jna.jar ] || need_apt+=(libjna-java)
[ -f /usr/share/java/gson.jar ] || need_apt+=(libgoogle-gson-java)
command -v java >/dev/null || need_apt+=(openjdk-17-jdk-headless)
command -v npm >/dev/null || need_apt+=(npm)
if [ ${#need_apt[@]} -gt 0 ]; then
    echo "installing ${need_apt[*]}"
    apt-get install -y -qq "${need_apt[@]}" >/dev/null || { apt-get update -qq && apt-get install -y -qq "${need_apt[@]}" >/dev/null; }
fi
if [ ! -x "$KHOME/bin/kotlinc" ]; then
    echo "fetching kotlin-compiler@$KOTLIN_VERSION from npm into target/"
    mkdir -p "$KHOME"
    (cd "$KHOME" && npm pack "kotlin-compiler@$KOTLIN_VERSION" --silent --cache "$ROOT/target/npm-cache" >/dev/null \
        && tar xzf "kotlin-compiler-$KOTLIN_VERSION.tgz" --strip-components=1 && rm "kotlin-compiler-$KOTLIN_VERSION.tgz")
fi
JNA=/usr/share/java/jna.jar
GSON=/usr/share/java/gson.jar

phase "toolchain ready"
# One build of the library, one of the bindgen; generation reads the
# metadata of the unstripped debug cdylib.
nice cargo build -q -p paycore-uniffi --lib
bindings/uniffi/generate.sh "$LIB" "$GEN"

phase "library built, bindings generated"
# Recompile only when the generated bindings or the tests changed.
mkdir -p "$OUT"
STAMP=$(cat "$GEN/dev/paycore/paycore_uniffi.kt" tests/kotlin/*.kt | sha256sum | cut -c1-16)
if [ ! -f "$OUT/tests-$STAMP.jar" ]; then
    rm -f "$OUT"/tests-*.jar
    "$KHOME/bin/kotlinc" -Werror -nowarn -cp "$JNA:$GSON" "$GEN/dev/paycore/paycore_uniffi.kt" tests/kotlin/*.kt \
        -d "$OUT/tests-$STAMP.jar" 2>&1 | grep -v '^warning: unable to find kotlin-stdlib' || true
    [ -f "$OUT/tests-$STAMP.jar" ] || { echo "kotlinc failed"; exit 1; }
fi
phase "Kotlin compiled"
CP="$OUT/tests-$STAMP.jar:$JNA:$GSON:$KHOME/lib/kotlin-stdlib.jar"
JAVA=(java -Djna.library.path="$ROOT/target/debug" -Dpaycore.vectors="$ROOT/tests/vectors" -cp "$CP")

status=0
echo "== Kotlin tests"
"${JAVA[@]}" dev.paycore.tests.PaycoreTests || status=1
echo "== Kotlin sale (tests/kotlin/Sale.kt)"
"${JAVA[@]}" dev.paycore.tests.Sale || status=1
echo "== Python smoke test"
cp "$LIB" "$GEN/"
PYTHONPATH="$GEN" python3 tests/kotlin/smoke.py || status=1
phase "done"
exit $status
