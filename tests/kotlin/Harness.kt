// Shared helpers for the Kotlin tests and the Kotlin sale: a small test
// runner (no JUnit needed), hex, and the shared vectors in tests/vectors
// read with Gson.
package dev.paycore.tests

import com.google.gson.JsonArray
import com.google.gson.JsonElement
import com.google.gson.JsonObject
import com.google.gson.JsonParser
import dev.paycore.PaycoreException
import java.io.File

/** Counts checks; a failing check prints its name and reason, never secrets. */
object Runner {
    var passed = 0
    var failed = 0

    fun check(name: String, body: () -> Unit) {
        try {
            body()
            passed++
        } catch (e: Throwable) {
            failed++
            println("FAIL $name: ${e.javaClass.simpleName}: ${e.message}")
        }
    }

    /** Prints the summary line and returns the process exit status. */
    fun finish(): Int {
        println("$passed passed, $failed failed")
        return if (failed == 0 && passed > 0) 0 else 1
    }
}

class CheckFailed(message: String) : Exception(message)

fun ensure(condition: Boolean, message: () -> String) {
    if (!condition) throw CheckFailed(message())
}

fun <T> ensureEq(expected: T, actual: T, what: String) {
    if (expected != actual) throw CheckFailed("$what: expected $expected, got $actual")
}

fun ensureBytes(expectedHex: String, actual: ByteArray, what: String) {
    val got = actual.hex()
    if (!got.equals(expectedHex, ignoreCase = true)) throw CheckFailed("$what: expected $expectedHex, got $got")
}

/** Runs [body] and returns the PaycoreException it must throw. */
inline fun expectPaycore(what: String, body: () -> Unit): PaycoreException {
    try {
        body()
    } catch (e: PaycoreException) {
        return e
    }
    throw CheckFailed("$what: no PaycoreException")
}

/** `PaycoreException.InvalidPan` -> `invalid_pan`, as core's ErrorKind names. */
fun PaycoreException.kind(): String =
    javaClass.simpleName.replace(Regex("([a-z])([A-Z])"), "$1_$2").lowercase()

fun String.unhex(): ByteArray {
    require(length % 2 == 0) { "odd hex length" }
    return ByteArray(length / 2) { i -> substring(2 * i, 2 * i + 2).toInt(16).toByte() }
}

fun ByteArray.hex(): String = joinToString("") { "%02X".format(it) }

/** The shared vectors (tests/vectors), the same files Rust and C read. */
object Vectors {
    val dir: File = File(System.getProperty("paycore.vectors") ?: "tests/vectors")

    fun load(name: String): JsonElement = File(dir, name).reader().use { JsonParser.parseReader(it) }
}

fun JsonObject.str(name: String): String = get(name).asString
fun JsonObject.strOrNull(name: String): String? = get(name)?.takeUnless { it.isJsonNull }?.asString
fun JsonObject.obj(name: String): JsonObject = getAsJsonObject(name)
fun JsonObject.arr(name: String): JsonArray = getAsJsonArray(name)
fun JsonArray.objects(): List<JsonObject> = map { it.asJsonObject }
