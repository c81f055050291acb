// Kotlin tests of the UniFFI bindings, on the JVM: every area against the
// shared vectors (tests/vectors/*.json, the files Rust and C read), error
// mapping, close() behaviour, redacted toString(), and the timing of one
// PIN block call with and without the JNA crossing.
//
// Run by tests/kotlin/run.sh; prints "N passed, M failed" and exits non-zero
// on any failure.
@file:JvmName("PaycoreTests")

package dev.paycore.tests

import dev.paycore.*
import kotlin.system.exitProcess

fun attrs(usage: KeyUsage, mode: ModeOfUse, export: Exportability = Exportability.EXPORTABLE) =
    KeyAttributes(usage, mode, export, "00")

fun algorithmFor(name: String): Algorithm = when (name.lowercase()) {
    "tdes2", "2tdea" -> Algorithm.TDES2
    "tdes3", "3tdea" -> Algorithm.TDES3
    "aes128" -> Algorithm.AES128
    "aes192" -> Algorithm.AES192
    "aes256" -> Algorithm.AES256
    else -> throw CheckFailed("unknown algorithm $name")
}

fun key(algorithm: Algorithm, hex: String, usage: KeyUsage, mode: ModeOfUse): Key =
    Key(algorithm, hex.unhex(), attrs(usage, mode))

fun pinFormat(code: Int): PinBlockFormat = PinBlockFormat.values()[code]

// Every secret hex string a test handled, to check no toString() shows one.
val secretsSeen = mutableSetOf<String>()

fun pinBlocks() {
    val vectors = Vectors.load("pin.json").asJsonObject.arr("vectors").objects()
    for (v in vectors) {
        val id = v.str("id")
        val input = v.obj("inputs")
        val expected = v.obj("expected")
        val format = pinFormat(input.get("format").asInt)
        val pan = input.strOrNull("pan")?.takeIf { it.isNotEmpty() }
        val fill = input.strOrNull("fill")?.takeIf { it.isNotEmpty() }
        Runner.check("pin $id") {
            when (v.str("kind")) {
                "encode" -> ClearPinBlock.encode(format, input.str("pin").toByteArray(), pan, fill).use {
                    ensureBytes(expected.str("clear_block"), it.dangerousExposeSecret(), "clear block")
                    ensureEq(format, it.format(), "format")
                }
                "encode_prefix" -> ClearPinBlock.encode(format, input.str("pin").toByteArray(), pan).use {
                    val hex = it.dangerousExposeSecret().hex()
                    ensure(hex.startsWith(expected.str("clear_block_prefix"))) { "prefix of $id" }
                }
                "decode" -> ClearPinBlock.fromBytes(format, input.str("clear_block").unhex()).use {
                    ensureEq(expected.str("pin"), String(it.decode(pan)), "pin")
                }
                "reject_decode" -> {
                    val e = expectPaycore(id) {
                        ClearPinBlock.fromBytes(format, input.str("clear_block").unhex()).use { it.decode(pan) }
                    }
                    ensureEq(expected.str("kind"), e.kind(), "error kind")
                }
                "encipher" -> {
                    val alg = algorithmFor(input.str("key_algorithm"))
                    secretsSeen += input.str("key")
                    key(alg, input.str("key"), KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT).use { k ->
                        val block = encipherPinBlock(k, format, input.str("pin").toByteArray(), pan, fill)
                        ensureBytes(expected.str("enciphered_block"), block, "enciphered block")
                        ensureEq(input.str("pin"), String(decipherPinBlock(k, format, block, pan)), "round trip")
                        // The clear block through the object API gives the same ciphertext.
                        ClearPinBlock.encode(format, input.str("pin").toByteArray(), pan, fill).use { c ->
                            ensureBytes(expected.str("clear_block"), c.dangerousExposeSecret(), "clear block")
                            ensureBytes(expected.str("enciphered_block"), c.encipher(k, pan), "object encipher")
                        }
                    }
                }
                "decipher", "reject_decipher" -> {
                    val alg = algorithmFor(input.str("key_algorithm"))
                    key(alg, input.str("key"), KeyUsage.PinEncryption, ModeOfUse.DECRYPT).use { k ->
                        val block = input.str("enciphered_block").unhex()
                        if (v.str("kind") == "decipher") {
                            ensureEq(expected.str("pin"), String(decipherPinBlock(k, format, block, pan)), "pin")
                        } else {
                            val e = expectPaycore(id) { decipherPinBlock(k, format, block, pan) }
                            ensureEq(expected.str("kind"), e.kind(), "error kind")
                        }
                    }
                }
                else -> throw CheckFailed("unknown kind ${v.str("kind")}")
            }
        }
    }
    // Translate: ISO 0 under a TDES key to ISO 4 under an AES key and back,
    // random fill; the PIN survives, and a forbidden direction is refused.
    Runner.check("pin translate 0 -> 4 -> 0") {
        val pan = "4111111111111111"
        key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT).use { tdes ->
            key(Algorithm.AES128, "000102030405060708090A0B0C0D0E0F", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT).use { aes ->
                val iso0 = encipherPinBlock(tdes, PinBlockFormat.ISO0, "987654".toByteArray(), pan)
                val iso4 = translatePinBlock(tdes, PinBlockFormat.ISO0, iso0, aes, PinBlockFormat.ISO4, pan)
                ensureEq(16, iso4.size, "ISO 4 block length")
                ensureEq("987654", String(decipherPinBlock(aes, PinBlockFormat.ISO4, iso4, pan)), "pin after translate")
                val back = translatePinBlock(aes, PinBlockFormat.ISO4, iso4, tdes, PinBlockFormat.ISO0, pan)
                ensureEq("987654", String(decipherPinBlock(tdes, PinBlockFormat.ISO0, back, pan)), "pin after round trip")
                val e = expectPaycore("0 -> 1") { translatePinBlock(tdes, PinBlockFormat.ISO0, iso0, tdes, PinBlockFormat.ISO1, pan) }
                ensure(e is PaycoreException.Unsupported) { "forbidden translation: ${e.kind()}" }
            }
        }
    }
    Runner.check("pin ISO 3 and ISO 1 random fill round trip") {
        key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT).use { k ->
            for (f in listOf(PinBlockFormat.ISO1, PinBlockFormat.ISO3)) {
                val pan = if (f == PinBlockFormat.ISO3) "4111111111111111" else null
                val a = encipherPinBlock(k, f, "1234".toByteArray(), pan)
                val b = encipherPinBlock(k, f, "1234".toByteArray(), pan)
                ensure(!a.contentEquals(b)) { "random fill differs" }
                ensureEq("1234", String(decipherPinBlock(k, f, a, pan)), "pin $f")
            }
        }
    }
    Runner.check("pin errors: message carries no PIN or PAN") {
        key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT).use { k ->
            val e = expectPaycore("bad pin") { encipherPinBlock(k, PinBlockFormat.ISO0, "12a4".toByteArray(), "4111111111111111") }
            ensure(e is PaycoreException.InvalidPin) { "kind ${e.kind()}" }
            ensure(!e.message!!.contains("12a4") && !e.message!!.contains("4111111111111111")) { "message leaks: ${e.message}" }
            val p = expectPaycore("bad pan") { encipherPinBlock(k, PinBlockFormat.ISO0, "1234".toByteArray(), "41111x1111111111") }
            ensure(p is PaycoreException.InvalidPan) { "kind ${p.kind()}" }
            ensure(!p.message!!.contains("41111x")) { "message leaks: ${p.message}" }
            val w = expectPaycore("ISO 4 under TDES") { encipherPinBlock(k, PinBlockFormat.ISO4, "1234".toByteArray(), "4111111111111111") }
            ensure(w is PaycoreException.InvalidKey || w is PaycoreException.Unsupported) { "kind ${w.kind()}" }
        }
        key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.MacIso9797Alg3, ModeOfUse.GENERATE_VERIFY).use { mac ->
            val e = expectPaycore("MAC key for a PIN") { encipherPinBlock(mac, PinBlockFormat.ISO0, "1234".toByteArray(), "4111111111111111") }
            ensure(e is PaycoreException.KeyUsage) { "kind ${e.kind()}" }
        }
    }
}

fun keysAndTr31() {
    Runner.check("key attributes and KCV (X9.24-1 A.4.2 PIN key)") {
        key(Algorithm.TDES2, "042666B49184CF5C68DE9628D0397B36", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT).use { k ->
            ensureEq(Algorithm.TDES2, k.algorithm(), "algorithm")
            ensureEq(attrs(KeyUsage.PinEncryption, ModeOfUse.ENCRYPT), k.attributes(), "attributes")
            val kcv = k.kcv(KcvMethod.LEGACY, 3u)
            ensureEq(3, kcv.size, "kcv length")
            k.verifyKcv(KcvMethod.LEGACY, kcv)
            val bad = kcv.copyOf().also { it[0] = (it[0].toInt() xor 1).toByte() }
            val e = expectPaycore("kcv mismatch") { k.verifyKcv(KcvMethod.LEGACY, bad) }
            ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
        }
    }
    Runner.check("check value as a side output (withheld with a reason)") {
        key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT).use { k ->
            val cv = k.checkValue()
            ensureEq(KcvMethod.LEGACY, cv.method, "method")
            // 08D7B4: the published KCV of the ANSI X9.24-1 example BDK (as in core/src/mac/tests.rs).
            ensureBytes("08D7B4", cv.kcv!!, "TDES legacy KCV")
            ensureEq(null, cv.withheld, "withheld")
        }
        key(Algorithm.AES128, "2B7E151628AED2A6ABF7158809CF4F3C", KeyUsage.MacCmac, ModeOfUse.VERIFY).use { k ->
            val cv = k.checkValue()
            ensure(cv.kcv == null && cv.withheld!!.contains("verify-only")) { "verify-only MAC key: $cv" }
        }
        Key(Algorithm.HMAC_SHA256, ByteArray(131) { 0xAA.toByte() }, attrs(KeyUsage.MacHmac, ModeOfUse.GENERATE_VERIFY)).use { k ->
            val cv = k.checkValue()
            ensure(cv.kcv == null && cv.withheld != null) { "HMAC key: $cv" }
        }
    }
    Runner.check("key errors: wrong length, non-exportable") {
        val e = expectPaycore("15-byte TDES") { Key(Algorithm.TDES2, ByteArray(15), attrs(KeyUsage.PinEncryption, ModeOfUse.ENCRYPT)) }
        ensure(e is PaycoreException.InvalidKey) { "kind ${e.kind()}" }
        ensureEq("key: key length 15 is invalid for the algorithm", e.message, "message")
        Key(Algorithm.AES128, ByteArray(16) { 7 }, attrs(KeyUsage.DataEncryption, ModeOfUse.ENCRYPT_DECRYPT, Exportability.NON_EXPORTABLE)).use { k ->
            val x = expectPaycore("export N") { k.dangerousExportSecret() }
            ensure(x is PaycoreException.KeyUsage) { "kind ${x.kind()}" }
        }
        val p = expectPaycore("usage code") { Key(Algorithm.AES128, ByteArray(16), attrs(KeyUsage.Proprietary("Z9"), ModeOfUse.ENCRYPT)) }
        ensure(p is PaycoreException.InvalidKey || p is PaycoreException.InvalidArgument) { "kind ${p.kind()}" }
    }
    val tr31 = Vectors.load("tr31.json").asJsonObject
    for (v in tr31.arr("unwrap").objects()) {
        val id = v.str("id")
        Runner.check("tr31 unwrap $id") {
            val input = v.obj("inputs")
            val expected = v.obj("expected")
            val block = input.str("block")
            val kbpkHex = input.str("kbpk")
            secretsSeen += kbpkHex
            secretsSeen += expected.str("key")
            val aes = block[0] == 'D' || block[0] == 'E'
            val kbpkAlg = when (kbpkHex.length / 2) {
                16 -> if (aes) Algorithm.AES128 else Algorithm.TDES2
                24 -> if (aes) Algorithm.AES192 else Algorithm.TDES3
                else -> Algorithm.AES256
            }
            val header = tr31ParseHeader(block)
            ensureEq(expected.str("version"), header.version.name, "version")
            ensureEq(expected.str("algorithm"), header.algorithm, "algorithm")
            ensureEq(expected.str("key_version"), header.keyVersion, "key version")
            ensureEq(expected.obj("optional_blocks").size(), header.optionalBlocks.size, "optional block count")
            for (b in header.optionalBlocks) {
                ensureEq(expected.obj("optional_blocks").get(b.id)?.asString, b.data, "optional block ${b.id}")
            }
            key(kbpkAlg, kbpkHex, KeyUsage.KeyBlockProtection, ModeOfUse.ENCRYPT_DECRYPT).use { kbpk ->
                val legacy = header.version == Tr31Version.A || header.version == Tr31Version.C
                if (legacy) {
                    // Versions A and C are refused unless the caller opts in.
                    val e = expectPaycore("legacy refused") { Key.fromTr31(kbpk, block).close() }
                    ensure(e is PaycoreException.Unsupported) { "kind ${e.kind()}" }
                }
                Key.fromTr31(kbpk, block, allowLegacy = legacy).use { k ->
                    ensureEq(header.keyUsage, k.attributes().usage, "usage")
                    ensureEq(header.modeOfUse, k.attributes().modeOfUse, "mode of use")
                    if (k.attributes().exportability != Exportability.NON_EXPORTABLE) {
                        ensureBytes(expected.str("key"), k.dangerousExportSecret(), "key")
                    }
                    val kcv = expected.strOrNull("kcv")
                    if (kcv != null) {
                        val method = if (expected.str("kcv_method") == "cmac") KcvMethod.CMAC else KcvMethod.LEGACY
                        k.verifyKcv(method, kcv.unhex())
                    }
                }
            }
        }
    }
    for (v in tr31.arr("reject").objects()) {
        Runner.check("tr31 reject ${v.str("id")}") {
            val input = v.obj("inputs")
            val kbpkHex = input.str("kbpk")
            val block = input.str("block")
            val aes = block.firstOrNull() == 'D' || block.firstOrNull() == 'E'
            val alg = when (kbpkHex.length / 2) {
                16 -> if (aes) Algorithm.AES128 else Algorithm.TDES2
                24 -> if (aes) Algorithm.AES192 else Algorithm.TDES3
                else -> Algorithm.AES256
            }
            key(alg, kbpkHex, KeyUsage.KeyBlockProtection, ModeOfUse.ENCRYPT_DECRYPT).use { kbpk ->
                val legacy = block.firstOrNull() == 'A' || block.firstOrNull() == 'C'
                val e = expectPaycore("reject") { Key.fromTr31(kbpk, block, allowLegacy = legacy).close() }
                ensureEq(v.obj("expected").str("error_kind"), e.kind(), "error kind")
            }
        }
    }
    for (v in tr31.arr("wrap").objects()) {
        Runner.check("tr31 wrap ${v.str("id")}") {
            val input = v.obj("inputs")
            val version = Tr31Version.valueOf(input.str("version"))
            val kbpkHex = input.str("kbpk")
            val kbpkAlg = if (version == Tr31Version.D || version == Tr31Version.E) {
                when (kbpkHex.length / 2) { 16 -> Algorithm.AES128; 24 -> Algorithm.AES192; else -> Algorithm.AES256 }
            } else if (kbpkHex.length == 32) Algorithm.TDES2 else Algorithm.TDES3
            val keyHex = input.str("key")
            val keyAlg = when (input.str("algorithm")) {
                "A" -> algorithmFor("aes" + keyHex.length * 4)
                else -> if (keyHex.length == 32) Algorithm.TDES2 else Algorithm.TDES3
            }
            val header = tr31ParseHeader(v.obj("expected").str("block"))
            val attributes = KeyAttributes(header.keyUsage, header.modeOfUse, header.exportability, input.str("key_version"))
            key(kbpkAlg, kbpkHex, KeyUsage.KeyBlockProtection, ModeOfUse.ENCRYPT_DECRYPT).use { kbpk ->
                val expectedBlock = v.obj("expected").str("block")
                if (input.str("padding").isEmpty()) {
                    // No padding (version E): the header template alone fixes the block.
                    val template = expectedBlock.substring(0, 16)
                    ensureEq(expectedBlock, tr31WrapMaterial(kbpk, keyHex.unhex(), template), "block from template")
                    Key.fromTr31(kbpk, expectedBlock).use { back -> ensureEq(attributes, back.attributes(), "attributes") }
                    return@check
                }
                Key(keyAlg, keyHex.unhex(), attributes).use { k ->
                    val block = k.wrapTr31WithPadding(kbpk, version, emptyList(), input.str("padding").unhex())
                    ensureEq(v.obj("expected").str("block"), block, "block")
                    // Random padding: a different block that unwraps to the same key.
                    val random = k.wrapTr31(kbpk, version, listOf(Tr31OptionalBlock("KS", "00604B120F9292800000")))
                    Key.fromTr31(kbpk, random).use { back ->
                        ensureBytes(keyHex, back.dangerousExportSecret(), "unwrapped key")
                    }
                    ensureEq("00604B120F9292800000", tr31ParseHeader(random).optionalBlocks.first { it.id == "KS" }.data, "KS block")
                }
            }
        }
    }
    val mksk = Vectors.load("mksk.json").asJsonObject
    for (v in mksk.arr("install").objects()) {
        Runner.check("mksk install ${v.str("id")}") {
            val input = v.obj("inputs")
            val tmkHex = input.str("tmk")
            val tmkAlg = if (input.get("tmk_aes").asBoolean) algorithmFor("aes" + tmkHex.length * 4)
            else if (tmkHex.length == 32) Algorithm.TDES2 else Algorithm.TDES3
            val deliveries = input.arr("deliveries").objects().map { d ->
                val method = if (d.str("kcv_method") == "cmac") KcvMethod.CMAC else KcvMethod.LEGACY
                val cryptogram = when (d.str("type")) {
                    "tr31" -> MkskCryptogram.Tr31(d.str("block"))
                    else -> MkskCryptogram.Ecb(
                        algorithmFor(d.str("algorithm")),
                        KeyAttributes(usageOf(d.str("key_usage")), modeOf(d.str("mode_of_use")), Exportability.EXPORTABLE, "00"),
                        d.str("enciphered").unhex(),
                    )
                }
                WorkingKeyDelivery(cryptogram, d.str("kcv").unhex(), method)
            }
            key(tmkAlg, tmkHex, KeyUsage.KeyEncryption, ModeOfUse.DECRYPT).use { tmk ->
                val keys = mkskInstall(tmk, deliveries)
                val expected = v.obj("expected").arr("keys").map { it.asString }
                ensureEq(expected.size, keys.size, "key count")
                keys.zip(expected).forEach { (k, hex) -> k.use { ensureBytes(hex, it.dangerousExportSecret(), "working key") } }
                // A wrong check value: nothing is installed.
                val bad = deliveries.mapIndexed { i, d ->
                    if (i == 0) d.copy(checkValue = d.checkValue.copyOf().also { it[0] = (it[0].toInt() xor 0x10).toByte() }) else d
                }
                val e = expectPaycore("bad kcv") { mkskInstall(tmk, bad) }
                ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
            }
        }
    }
}

fun usageOf(code: String): KeyUsage = when (code) {
    "P0" -> KeyUsage.PinEncryption
    "M0" -> KeyUsage.MacIso16609
    "M1" -> KeyUsage.MacIso9797Alg1
    "M3" -> KeyUsage.MacIso9797Alg3
    "M6" -> KeyUsage.MacCmac
    "M7" -> KeyUsage.MacHmac
    "D0" -> KeyUsage.DataEncryption
    "K0" -> KeyUsage.KeyEncryption
    else -> KeyUsage.Proprietary(code)
}

fun modeOf(code: String): ModeOfUse = when (code) {
    "B" -> ModeOfUse.ENCRYPT_DECRYPT
    "C" -> ModeOfUse.GENERATE_VERIFY
    "D" -> ModeOfUse.DECRYPT
    "E" -> ModeOfUse.ENCRYPT
    "G" -> ModeOfUse.GENERATE
    "N" -> ModeOfUse.NO_RESTRICTIONS
    "V" -> ModeOfUse.VERIFY
    "X" -> ModeOfUse.DERIVE
    else -> throw CheckFailed("mode $code")
}

fun dukpt() {
    val tdes = Vectors.load("dukpt_tdes_x9_24_1_annex_a4_2.json").asJsonObject
    val common = tdes.obj("common")
    val bdk = key(Algorithm.TDES2, common.str("bdk"), KeyUsage.Bdk, ModeOfUse.DERIVE)
    secretsSeen += common.str("bdk")
    Runner.check("dukpt tdes IPEK (X9.24-1 A.4.2)") {
        dukptDeriveIpek(bdk, common.str("initial_ksn").unhex()).use { ensureBytes(common.str("ipek"), it.dangerousExportSecret(), "ipek") }
    }
    val ipek = key(Algorithm.TDES2, common.str("ipek"), KeyUsage.InitialDukptKey, ModeOfUse.DERIVE)
    for (v in tdes.arr("vectors").objects()) {
        Runner.check("dukpt tdes ${v.str("id")}") {
            val ksn = v.str("ksn").unhex()
            val usages = listOf(
                DukptKeyUsage.PIN_ENCRYPTION to "pin_key",
                DukptKeyUsage.MAC_GENERATE to "mac_request_key",
                DukptKeyUsage.MAC_VERIFY to "mac_response_key",
                DukptKeyUsage.DATA_ENCRYPT to "data_request_key",
                DukptKeyUsage.DATA_DECRYPT to "data_response_key",
            )
            for ((usage, field) in usages) {
                dukptDerive(bdk, ksn, usage, DukptKeyType.TDES2).use { ensureBytes(v.str(field), it.dangerousExportSecret(), field) }
                dukptDeriveFromInitialKey(ipek, ksn, usage, DukptKeyType.TDES2).use { ensureBytes(v.str(field), it.dangerousExportSecret(), "$field from IPEK") }
            }
            dukptDerive(bdk, ksn, DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.TDES2).use { pinKey ->
                val pin = decipherPinBlock(pinKey, PinBlockFormat.ISO0, v.str("encrypted_pin_block").unhex(), common.str("pan"))
                ensureEq(common.str("pin"), String(pin), "pin")
            }
            DukptTransaction.fromBdk(bdk, ksn).use { tx ->
                ensureBytes(v.str("ksn"), tx.ksn(), "ksn")
                tx.workingKey(DukptKeyUsage.MAC_GENERATE, DukptKeyType.TDES2).use { macKey ->
                    macVerify(macKey, MacAlgorithm.RetailMac(MacPadding.METHOD1), common.str("message_hex").unhex(), v.str("mac_request_x919").unhex())
                }
                val e = expectPaycore("AES type from TDES") { tx.workingKey(DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128) }
                ensure(e is PaycoreException.Unsupported) { "kind ${e.kind()}" }
            }
        }
    }
    val aesFile = Vectors.load("dukpt_aes_x9_24_3_2017_aes128.json").asJsonObject
    val aesCommon = aesFile.obj("common")
    val aesBdk = key(Algorithm.AES128, aesCommon.str("bdk_aes128"), KeyUsage.Bdk, ModeOfUse.DERIVE)
    for (v in aesFile.arr("vectors").objects()) {
        Runner.check("dukpt aes ${v.str("id")}") {
            when (v.str("kind")) {
                "initial_key" -> dukptDeriveInitialKey(aesBdk, v.str("initial_key_id").unhex()).use {
                    ensureBytes(v.str("initial_key"), it.dangerousExportSecret(), "initial key")
                }
                "transaction" -> {
                    val ksn = v.str("ksn").unhex()
                    for ((name, hex) in v.obj("working_keys").entrySet()) {
                        val (u, t) = name.split("/")
                        val usage = when (u) {
                            "PIN" -> DukptKeyUsage.PIN_ENCRYPTION; "MAC_GEN" -> DukptKeyUsage.MAC_GENERATE
                            "MAC_VER" -> DukptKeyUsage.MAC_VERIFY; "MAC_BOTH" -> DukptKeyUsage.MAC_BOTH
                            "DATA_ENC" -> DukptKeyUsage.DATA_ENCRYPT; "DATA_DEC" -> DukptKeyUsage.DATA_DECRYPT
                            "DATA_BOTH" -> DukptKeyUsage.DATA_BOTH; "KEK" -> DukptKeyUsage.KEY_ENCRYPTION
                            else -> throw CheckFailed("usage $u")
                        }
                        val type = when (t) { "2TDEA" -> DukptKeyType.TDES2; "3TDEA" -> DukptKeyType.TDES3; else -> DukptKeyType.AES128 }
                        dukptDerive(aesBdk, ksn, usage, type).use { ensureBytes(hex.asString, it.dangerousExportSecret(), name) }
                    }
                }
                else -> throw CheckFailed("kind")
            }
        }
    }
    Runner.check("dukpt errors: KSN length, BDK usage") {
        val e = expectPaycore("11-byte KSN") { dukptDerive(bdk, ByteArray(11), DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.TDES2) }
        ensure(e is PaycoreException.InvalidArgument) { "kind ${e.kind()}" }
        val u = expectPaycore("IPEK as BDK") { dukptDerive(ipek, ByteArray(10) { 1 }, DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.TDES2) }
        ensure(u is PaycoreException.KeyUsage) { "kind ${u.kind()}" }
    }
    originator(common, bdk)
    ipek.close()
    aesBdk.close()
    bdk.close()
}

/** A store that keeps the last blob in memory and can be told to refuse or throw. */
class MemoryStore : DukptStateStore {
    var blob: ByteArray? = null
    var writes = 0
    var mode = "ok"
    override fun persist(blob: ByteArray): Boolean {
        when (mode) {
            "refuse" -> return false
            "throw" -> throw java.io.IOException("disk full")
        }
        this.blob = blob.copyOf()
        writes++
        return true
    }
}

fun deviceKey(): Key = Key(Algorithm.AES256, ByteArray(32) { (it * 7 + 1).toByte() }, attrs(KeyUsage.DataEncryption, ModeOfUse.ENCRYPT_DECRYPT))

fun originator(common: com.google.gson.JsonObject, bdk: Key) {
    val tdes = Vectors.load("dukpt_tdes_x9_24_1_annex_a4_2.json").asJsonObject.arr("vectors").objects()
    Runner.check("dukpt originator: load, persist, next, restore, refuse, throw") {
        val store = MemoryStore()
        deviceKey().use { device ->
            key(Algorithm.TDES2, common.str("ipek"), KeyUsage.InitialDukptKey, ModeOfUse.DERIVE).use { ipek ->
                DukptOriginator.loadTdes(ipek, common.str("initial_ksn").unhex(), device, store).use { o ->
                    ensureEq(1, store.writes, "first state persisted")
                    ensure(!o.isAes()) { "TDES" }
                    ensureEq(1u, o.counter(), "counter")
                    o.nextTransaction(device).use { tx ->
                        ensureBytes(tdes[0].str("ksn"), tx.ksn(), "first KSN")
                        tx.workingKey(DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.TDES2).use { pinKey ->
                            val block = encipherPinBlock(pinKey, PinBlockFormat.ISO0, common.str("pin").toByteArray(), common.str("pan"))
                            ensureBytes(tdes[0].str("encrypted_pin_block"), block, "PIN block under the originator's key")
                        }
                    }
                    ensureEq(2, store.writes, "state persisted before the key")
                    // Refused: the key is withheld, the counter still moves on.
                    store.mode = "refuse"
                    val r = expectPaycore("refused") { o.nextTransaction(device) }
                    ensure(r is PaycoreException.StateNotPersisted) { "kind ${r.kind()}" }
                    store.mode = "throw"
                    val t = expectPaycore("threw") { o.nextTransaction(device) }
                    ensure(t is PaycoreException.StateNotPersisted) { "kind ${t.kind()}" }
                    ensure(!t.message!!.contains("disk full")) { "app exception text echoed" }
                    store.mode = "ok"
                    o.nextTransaction(device).use { tx -> ensureBytes(tdes[3].str("ksn"), tx.ksn(), "withheld counters skipped") }
                }
                // Restart from the stored blob: the next counter continues, never reused.
                DukptOriginator.restore(device, store.blob!!, 5u, store).use { o ->
                    ensureEq(5u, o.counter(), "restored counter")
                    o.nextTransaction(device).use { tx -> ensureBytes(tdes[4].str("ksn"), tx.ksn(), "after restore") }
                }
                val rolled = expectPaycore("rolled back") { DukptOriginator.restore(device, store.blob!!, 100u, store) }
                ensure(rolled !is PaycoreException.VerificationFailed) { "rollback is not a MAC failure" }
                val tampered = store.blob!!.copyOf().also { it[it.size - 1] = (it[it.size - 1].toInt() xor 1).toByte() }
                val v = expectPaycore("tampered") { DukptOriginator.restore(device, tampered, 0u, store) }
                ensure(v is PaycoreException.VerificationFailed) { "kind ${v.kind()}" }
            }
        }
    }
    Runner.check("dukpt aes originator") {
        val store = MemoryStore()
        val aes = Vectors.load("dukpt_aes_x9_24_3_2017_aes128.json").asJsonObject
        deviceKey().use { device ->
            key(Algorithm.AES128, aes.obj("common").str("initial_key_aes128"), KeyUsage.InitialDukptKey, ModeOfUse.DERIVE).use { ik ->
                DukptOriginator.loadAes(ik, aes.obj("common").str("initial_key_id").unhex(), device, store).use { o ->
                    ensure(o.isAes()) { "AES" }
                    o.nextTransaction(device).use { tx ->
                        val first = aes.arr("vectors").objects().first { it.str("kind") == "transaction" }
                        ensureBytes(first.str("ksn"), tx.ksn(), "first AES KSN")
                        tx.workingKey(DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128).use { k ->
                            ensureEq(Algorithm.AES128, k.algorithm(), "algorithm")
                        }
                    }
                    // Update Initial Key (X9.24-3-2017 B.6.3), as core/tests/dukpt.rs: the host
                    // wraps a new initial key under the current KEK working key.
                    val bdk = key(Algorithm.AES128, aes.obj("common").str("bdk_aes128"), KeyUsage.Bdk, ModeOfUse.DERIVE)
                    val newBdk = Key(Algorithm.AES128, ByteArray(16) { 0x42 }, attrs(KeyUsage.Bdk, ModeOfUse.DERIVE))
                    val newId = byteArrayOf(9, 8, 7, 6, 5, 4, 3, 2)
                    val wrapped = dukptDeriveInitialKey(newBdk, newId).use { newIk -> dukptWrapInitialKeyUpdate(bdk, o.ksn(), newIk) }
                    ensureEq(16, wrapped.size, "wrapped length")
                    val wrong = expectPaycore("TDES key type") { o.updateInitialKey(wrapped, DukptKeyType.TDES2, newId, device) }
                    ensure(wrong is PaycoreException.InvalidKey) { "kind ${wrong.kind()}" }
                    o.updateInitialKey(wrapped, DukptKeyType.AES128, newId, device)
                    ensureBytes("090807060504030200000001", o.ksn(), "KSN under the new initial key")
                    o.nextTransaction(device).use { tx ->
                        val hostKey = dukptDerive(newBdk, tx.ksn(), DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128)
                        val block = tx.workingKey(DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128).use {
                            encipherPinBlock(it, PinBlockFormat.ISO4, "4321".toByteArray(), "4111111111111111")
                        }
                        ensureEq("4321", String(decipherPinBlock(hostKey, PinBlockFormat.ISO4, block, "4111111111111111")), "PIN under the new key")
                        hostKey.close()
                    }
                    listOf(bdk, newBdk).forEach { it.close() }
                }
            }
        }
    }
}

fun macs() {
    val vectors = Vectors.load("mac.json").asJsonObject.arr("vectors").objects()
    for (v in vectors) {
        Runner.check("mac ${v.str("id")}") {
            val input = v.obj("inputs")
            val keyHex = input.str("key")
            val expected = v.obj("expected").str("mac")
            val padding = if (input.get("padding")?.asInt == 2) MacPadding.METHOD2 else MacPadding.METHOD1
            val (alg, usage, algorithm) = when (v.str("kind")) {
                "aes_cmac" -> Triple(algorithmFor("aes" + keyHex.length * 4), KeyUsage.MacCmac, MacAlgorithm.Cmac)
                "tdes_cmac" -> Triple(if (keyHex.length == 32) Algorithm.TDES2 else Algorithm.TDES3, KeyUsage.MacCmac, MacAlgorithm.Cmac)
                "hmac_sha256", "hmac_sha256_raw_key" -> Triple(Algorithm.HMAC_SHA256, KeyUsage.MacHmac, MacAlgorithm.HmacSha256)
                "retail_mac" -> Triple(Algorithm.TDES2, KeyUsage.MacIso9797Alg3, MacAlgorithm.RetailMac(padding))
                "iso9797_alg1" -> Triple(if (keyHex.length == 32) Algorithm.TDES2 else Algorithm.TDES3, KeyUsage.MacIso9797Alg1, MacAlgorithm.Iso9797Alg1(padding))
                else -> throw CheckFailed("unknown kind ${v.str("kind")}")
            }
            val data = input.str("message").unhex()
            key(alg, keyHex, usage, ModeOfUse.GENERATE_VERIFY).use { k ->
                val mac = macGenerate(k, algorithm, data, (expected.length / 2).toUInt())
                ensureBytes(expected, mac, "mac")
                macVerify(k, algorithm, data, mac)
                mac[0] = (mac[0].toInt() xor 1).toByte()
                val e = expectPaycore("flipped") { macVerify(k, algorithm, data, mac) }
                ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
                ensureEq("verification failed", e.message, "opaque message")
            }
        }
    }
    Runner.check("mac errors: verify-only key cannot generate") {
        key(Algorithm.AES128, "2B7E151628AED2A6ABF7158809CF4F3C", KeyUsage.MacCmac, ModeOfUse.VERIFY).use { k ->
            val e = expectPaycore("generate") { macGenerate(k, MacAlgorithm.Cmac, ByteArray(3), 8u) }
            ensure(e is PaycoreException.KeyUsage) { "kind ${e.kind()}" }
        }
    }
}

fun cardData() {
    Runner.check("pan inspect and mask") {
        val info = inspectPan("4111111111111111")
        ensureEq("411111******1111", info.maskedPan, "masked")
        ensureEq(16u, info.length, "length")
        ensure(info.luhnValid) { "luhn" }
        ensureEq("visa", info.brand, "brand")
        ensureEq("411111******1112", maskPan("4111111111111112"), "mask")
        ensure(!inspectPan("4111111111111112").luhnValid) { "bad luhn reported" }
        val e = expectPaycore("bad pan") { inspectPan("4111x11111111111") }
        ensure(e is PaycoreException.InvalidPan) { "kind ${e.kind()}" }
        ensureEq("PAN: non-digit character at position 4", e.message, "message")
    }
    for (v in Vectors.load("track.json").asJsonArray.objects()) {
        Runner.check("track ${v.str("id")}") {
            val input = v.obj("inputs")
            val expected = v.obj("expected")
            val data = input.str("data")
            val open: () -> AutoCloseable = {
                when (input.str("kind")) {
                    "track1" -> Track1.parse(data.toByteArray())
                    "track2" -> Track2.parse(data.toByteArray())
                    else -> Track2.fromTag57(data.unhex())
                }
            }
            if (expected.has("error")) {
                val e = expectPaycore("reject") { open().close() }
                ensure(e is PaycoreException.Malformed || e is PaycoreException.InvalidPan) { "kind ${e.kind()}" }
                return@check
            }
            open().use { t ->
                val (summary, pan, disc) = when (t) {
                    is Track1 -> {
                        ensureEq(expected.str("name"), String(t.dangerousName()), "name")
                        Triple(t.summary(), t.dangerousPan(), t.dangerousDiscretionary())
                    }
                    is Track2 -> Triple(t.summary(), t.dangerousPan(), t.dangerousDiscretionary())
                    else -> throw CheckFailed("type")
                }
                ensureEq(expected.str("pan"), String(pan), "pan")
                ensureEq(maskPan(expected.str("pan")), summary.pan.maskedPan, "masked pan")
                ensureEq(expected.strOrNull("expiry"), summary.expiry, "expiry")
                ensureEq(expected.strOrNull("service_code"), summary.serviceCode, "service code")
                ensureEq(expected.str("discretionary"), String(disc), "discretionary")
                ensure(!t.toString().contains(expected.str("pan"))) { "toString shows the PAN" }
            }
        }
    }
    val tlv = Vectors.load("tlv.json").asJsonObject
    for (v in tlv.arr("parse").objects()) {
        Runner.check("tlv parse ${v.str("id")}") {
            val data = v.obj("inputs").str("hex").unhex()
            val nodes = tlvDecode(data)
            val flat = mutableListOf<Triple<Int, String, String?>>()
            fun walk(items: com.google.gson.JsonArray, level: Int) {
                for (item in items.objects()) {
                    flat += Triple(level, item.str("tag"), item.strOrNull("value"))
                    item.getAsJsonArray("children")?.let { walk(it, level + 1) }
                }
            }
            walk(v.obj("expected").arr("tree"), 1)
            ensureEq(flat.size, nodes.size, "node count")
            for ((n, e) in nodes.zip(flat)) {
                ensureEq(e.first.toUInt(), n.level, "level of ${e.second}")
                ensureEq(e.second, n.tag, "tag")
                if (e.third != null) {
                    ensureEq(e.third!!.length / 2, n.length.toInt(), "length of ${n.tag}")
                    if (n.sensitive) {
                        ensure(n.value == null) { "sensitive ${n.tag} value in the tree" }
                        ensureBytes(e.third!!, tlvFind(data, n.tag)!!, "tlvFind ${n.tag}")
                    } else {
                        ensureBytes(e.third!!, n.value!!, "value of ${n.tag}")
                    }
                }
            }
        }
    }
    for (v in tlv.arr("encode").objects()) {
        Runner.check("tlv encode ${v.str("id")}") {
            val input = v.obj("inputs")
            ensureBytes(v.obj("expected").str("hex"), tlvEncode(input.str("tag"), input.str("value").unhex()), "encoding")
        }
    }
    for (v in tlv.arr("reject").objects()) {
        Runner.check("tlv reject ${v.str("id")}") {
            val e = expectPaycore("reject") { tlvDecode(v.obj("inputs").str("hex").unhex()) }
            ensure(e is PaycoreException.Malformed || e is PaycoreException.LimitExceeded) { "kind ${e.kind()}" }
        }
    }
    val dol = Vectors.load("dol.json").asJsonObject
    for (v in dol.arr("parse").objects()) {
        Runner.check("dol parse ${v.str("id")}") {
            val entries = dolParse(v.obj("inputs").str("hex").unhex())
            val expected = v.obj("expected").arr("entries").objects()
            ensureEq(expected.map { it.str("tag") to it.get("length").asInt }, entries.map { it.tag to it.length.toInt() }, "entries")
        }
    }
    for (v in dol.arr("build").objects()) {
        Runner.check("dol build ${v.str("id")}") {
            val input = v.obj("inputs")
            val values = input.obj("values").entrySet().associate { (k, x) -> k to x.asString.unhex() }
            ensureBytes(v.obj("expected").str("hex"), dolBuild(input.str("dol").unhex(), values), "built")
        }
    }
    for (v in dol.arr("reject").objects()) {
        Runner.check("dol reject ${v.str("id")}") {
            val e = expectPaycore("reject") { dolParse(v.obj("inputs").str("hex").unhex()) }
            ensure(e is PaycoreException.Malformed) { "kind ${e.kind()}" }
        }
    }
    for (v in Vectors.load("qr.json").asJsonArray.objects()) {
        Runner.check("qr ${v.str("id")}") {
            val payload = v.obj("inputs").str("payload")
            val expected = v.obj("expected")
            val strictOk = expected.str("strict") == "ok"
            val decoded = try { qrDecode(payload) } catch (e: PaycoreException) {
                ensure(!strictOk) { "decode failed on a valid payload" }
                ensure(e is PaycoreException.Malformed) { "kind ${e.kind()}" }
                return@check
            }
            ensureEq(expected.get("crc_valid").asBoolean, decoded.crcValid, "crc_valid")
            ensureEq(strictOk, decoded.strictError == null, "strict verdict")
            expected.strOrNull("strict_message")?.let { ensureEq(it, decoded.strictError, "strict message") }
            if (strictOk) {
                val parsed = qrParse(payload)
                ensureEq(decoded.fields, parsed.fields, "parse = decode")
                // Rebuilding from the fields (ID 63 recomputed) gives the same text.
                ensureEq(payload, qrBuild(parsed.fields.filter { it.id != "63" }), "rebuilt")
            } else {
                val e = expectPaycore("strict") { qrParse(payload) }
                ensure(e is PaycoreException.Malformed) { "kind ${e.kind()}" }
            }
            expected.get("values")?.asJsonObject?.entrySet()?.forEach { (path, value) ->
                var fields = decoded.fields
                var got = ""
                for (part in path.split(".")) {
                    val field = fields.first { it.id == part }
                    got = field.value
                    fields = field.children
                }
                ensureEq(value.asString, got, "value $path")
            }
        }
    }
}

fun records() {
    val vectors = Vectors.load("sign_record.json").asJsonObject.arr("vectors").objects()
    val types = TransactionType.values()
    val modes = EntryMode.values()
    val records = vectors.map { v ->
        val i = v.obj("inputs")
        TransactionRecord(
            i.str("merchant_id"), i.str("terminal_id"), i.get("stan").asInt.toUInt(), i.get("amount_minor").asLong.toULong(),
            i.get("currency").asInt.toUShort(), types[i.get("transaction_type").asInt - 1], modes[i.get("entry_mode").asInt - 1],
            i.get("timestamp").asLong.toULong(), i.str("masked_pan"), i.str("pan_token").unhex(),
            i.strOrNull("authorization_code"), i.str("response_code"), i.strOrNull("signature_image_hash")?.unhex(),
        )
    }
    for ((v, r) in vectors.zip(records)) {
        Runner.check("record encoding ${v.str("id")}") {
            val encoded = encodeRecord(r)
            ensureBytes(v.obj("expected").str("encoding"), encoded, "encoding")
            val back = decodeRecord(encoded)
            ensureBytes(v.obj("expected").str("encoding"), encodeRecord(back), "re-encoded")
            ensureEq(r.merchantId to r.stan, back.merchantId to back.stan, "decoded fields")
        }
    }
    Runner.check("record sign and verify") {
        DeviceSigningKey.generate().use { device ->
            val signed = device.signRecord(records[0])
            ensureEq(64, signed.signature.size, "signature length")
            val back = verifyRecord(device.publicKey(), signed.encoded, signed.signature)
            ensureEq(records[0].merchantId, back.merchantId, "merchant")
            ensureEq(records[0].amountMinor, back.amountMinor, "amount")
            signed.encoded[5] = (signed.encoded[5].toInt() xor 1).toByte()
            val e = expectPaycore("altered record") { verifyRecord(device.publicKey(), signed.encoded, signed.signature) }
            ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
            val sig = device.sign("hello".toByteArray())
            verifySignature(device.publicKey(), "hello".toByteArray(), sig)
        }
        val bad = expectPaycore("record field") { encodeRecord(records[0].copy(merchantId = "")) }
        ensure(bad is PaycoreException.Malformed) { "kind ${bad.kind()}" }
        ensure(bad.message!!.contains("merchant_id")) { "names the field: ${bad.message}" }
    }
    Runner.check("record sign with the RFC 6979 key (A.2.5)") {
        val v = Vectors.load("sign_rfc6979.json").asJsonObject.arr("vectors").objects()[0].obj("inputs")
        DeviceSigningKey.fromSecretScalar(v.str("private_key").unhex()).use { k ->
            ensureBytes("04" + v.str("public_key_x") + v.str("public_key_y"), k.publicKey(), "public key")
        }
    }
    Runner.check("pan token (HMAC-SHA256, M7)") {
        Key(Algorithm.AES256, ByteArray(32) { 3 }, attrs(KeyUsage.MacHmac, ModeOfUse.GENERATE_VERIFY)).use { k ->
            val a = panToken(k, "4111111111111111")
            ensureEq(16, a.size, "token length")
            ensure(a.contentEquals(panToken(k, "4111111111111111"))) { "deterministic" }
            ensure(!a.contentEquals(panToken(k, "4111111111111129"))) { "PAN-bound" }
        }
    }
}

fun sealAndJournal() {
    Runner.check("seal and open") {
        RecipientKey.generate().use { host ->
            val aad = "TERM0001".toByteArray()
            val env = seal(host.publicKey(), aad, "5266092201416174=1604".toByteArray())
            ensureEq("5266092201416174=1604", String(host.open(aad, env)), "opened")
            val e = expectPaycore("wrong aad") { host.open("TERM0002".toByteArray(), env) }
            ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
            RecipientKey.generate().use { other ->
                val o = expectPaycore("wrong key") { other.open(aad, env) }
                ensure(o is PaycoreException.VerificationFailed) { "kind ${o.kind()}" }
            }
            val m = expectPaycore("truncated") { host.open(aad, env.copyOf(10)) }
            ensure(m is PaycoreException.Malformed) { "kind ${m.kind()}" }
        }
    }
    Runner.check("journal: append, verify, tamper, drop") {
        Key(Algorithm.AES256, ByteArray(32) { 9 }, attrs(KeyUsage.MacHmac, ModeOfUse.GENERATE_VERIFY)).use { k ->
            JournalWriter().use { w ->
                val entries = (1..4).map { w.appendHmac(k, "record $it".toByteArray()) }
                ensureEq(4uL, w.nextSequence(), "next sequence")
                val ok = journalVerifyHmac(entries, k)
                ensureEq(4uL, ok.authentic, "authentic")
                ensure(ok.problems.isEmpty()) { "problems ${ok.problems}" }
                val altered = entries.toMutableList().also { it[1] = it[1].copyOf().also { b -> b[b.size - 1] = (b[b.size - 1].toInt() xor 1).toByte() } }
                ensure(journalVerifyHmac(altered, k).problems.any { it is JournalProblem.Altered }) { "altered" }
                val dropped = entries.filterIndexed { i, _ -> i != 2 }
                ensure(journalVerifyHmac(dropped, k).problems.any { it is JournalProblem.Missing }) { "missing" }
                val cut = entries.dropLast(1)
                ensure(journalVerifyHmac(cut, k, null, 3uL).problems.isNotEmpty()) { "cut off at the end" }
                JournalWriter.resume(w.nextSequence(), w.previousHash()).use { w2 ->
                    val more = entries + w2.appendHmac(k, "record 5".toByteArray())
                    ensure(journalVerifyHmac(more, k).problems.isEmpty()) { "resumed chain" }
                }
            }
        }
        DeviceSigningKey.generate().use { d ->
            JournalWriter().use { w ->
                val entries = listOf(w.appendSigned(d, "a".toByteArray()), w.appendSigned(d, "b".toByteArray()))
                ensure(journalVerifySigned(entries, d.publicKey()).problems.isEmpty()) { "signed journal" }
            }
        }
    }
}

fun closeAndToString() {
    Runner.check("use after close raises a clear exception") {
        val k = key(Algorithm.TDES2, "0123456789ABCDEFFEDCBA9876543210", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT)
        k.close()
        k.close() // idempotent
        try {
            k.kcv(KcvMethod.LEGACY, 3u)
            throw CheckFailed("no exception after close")
        } catch (e: IllegalStateException) {
            ensure(e.message!!.contains("Key") && e.message!!.contains("destroyed")) { "message: ${e.message}" }
        }
        try {
            encipherPinBlock(k, PinBlockFormat.ISO0, "1234".toByteArray(), "4111111111111111")
            throw CheckFailed("closed key passed as argument")
        } catch (e: IllegalStateException) {
        }
        val c = ClearPinBlock.encode(PinBlockFormat.ISO1, "1234".toByteArray())
        c.close()
        try {
            c.dangerousExposeSecret()
            throw CheckFailed("clear block usable after close")
        } catch (e: IllegalStateException) {
        }
    }
    Runner.check("no secret in any toString()") {
        val material = "0123456789ABCDEFFEDCBA9876543210"
        val objects = listOf<Any>(
            key(Algorithm.TDES2, material, KeyUsage.PinEncryption, ModeOfUse.ENCRYPT),
            ClearPinBlock.encode(PinBlockFormat.ISO0, "1234".toByteArray(), "4111111111111111"),
            DeviceSigningKey.generate(),
            RecipientKey.generate(),
            Track2.parse(";4111111111111111=25121010000012300000?".toByteArray()),
            Track1.parse("%B4111111111111111^DOE/JOHN^2512101000001230000000?".toByteArray()),
            DukptTransaction.fromBdk(key(Algorithm.TDES2, material, KeyUsage.Bdk, ModeOfUse.DERIVE), "FFFF9876543210E00001".unhex()),
        )
        val forbidden = secretsSeen + material + listOf("4111111111111111", "1234", "041234", "DOE/JOHN")
        for (o in objects) {
            val s = o.toString()
            for (f in forbidden) ensure(!s.contains(f, ignoreCase = true)) { "${o.javaClass.simpleName}.toString() shows a secret" }
            (o as AutoCloseable).close()
        }
        // Exceptions and public records carry no secret either.
        val e = expectPaycore("bad key") { Key(Algorithm.TDES2, material.unhex().copyOf(15), attrs(KeyUsage.PinEncryption, ModeOfUse.ENCRYPT)) }
        ensure(!e.toString().contains(material.substring(0, 30), ignoreCase = true)) { "exception shows key bytes" }
        val summary = Track2.parse(";4111111111111111=25121010000012300000?".toByteArray()).use { it.summary() }
        ensure(!summary.toString().contains("4111111111111111")) { "summary shows the PAN" }
    }
}

fun timing() {
    Runner.check("timing: one PIN block call from Kotlin vs Rust") {
        key(Algorithm.AES128, "000102030405060708090A0B0C0D0E0F", KeyUsage.PinEncryption, ModeOfUse.ENCRYPT).use { k ->
            val pin = "1234".toByteArray()
            val pan = "4111111111111111"
            val n = 5000
            repeat(2000) { encipherPinBlock(k, PinBlockFormat.ISO4, pin, pan) } // JIT warm-up
            timeEncipherPinBlockInRust(k, PinBlockFormat.ISO4, pin, pan, 2000u)
            var kotlinNs = Long.MAX_VALUE
            var rustNs = Long.MAX_VALUE
            repeat(3) {
                val t0 = System.nanoTime()
                repeat(n) { encipherPinBlock(k, PinBlockFormat.ISO4, pin, pan) }
                kotlinNs = minOf(kotlinNs, System.nanoTime() - t0)
                rustNs = minOf(rustNs, timeEncipherPinBlockInRust(k, PinBlockFormat.ISO4, pin, pan, n.toUInt()).toLong())
            }
            val perKotlin = kotlinNs / n.toDouble() / 1000.0
            val perRust = rustNs / n.toDouble() / 1000.0
            println("timing: ISO 4 PIN block encipher (AES-128): Kotlin+JNA %.2f us/call, Rust %.2f us/call, ratio %.1fx".format(perKotlin, perRust, perKotlin / perRust))
        }
    }
}

// The README's Kotlin example, verbatim between the markers, run as a test.
fun readmeExample() {
    // README-BEGIN
    val pan = "4111111111111111"
    check(maskPan(pan) == "411111******1111")

    val material = "2B7E151628AED2A6ABF7158809CF4F3C".chunked(2).map { it.toInt(16).toByte() }.toByteArray()
    val attributes = KeyAttributes(KeyUsage.PinEncryption, ModeOfUse.ENCRYPT_DECRYPT, Exportability.EXPORTABLE, "00")
    Key(Algorithm.AES128, material, attributes).use { key ->
        material.fill(0)
        val pin = "1234".toByteArray() // from the PIN pad, never a String
        val block = encipherPinBlock(key, PinBlockFormat.ISO4, pin, pan)
        pin.fill(0)
        val back = decipherPinBlock(key, PinBlockFormat.ISO4, block, pan)
        check(back.contentEquals("1234".toByteArray()))
        back.fill(0)
    }

    // Host side: the DUKPT PIN key for a transaction's KSN, from the BDK
    // (X9.24-1:2009 Annex A.4.2 test BDK and KSN).
    val bdkBytes = "0123456789ABCDEFFEDCBA9876543210".chunked(2).map { it.toInt(16).toByte() }.toByteArray()
    Key(Algorithm.TDES2, bdkBytes, KeyAttributes(KeyUsage.Bdk, ModeOfUse.DERIVE, Exportability.EXPORTABLE, "00")).use { bdk ->
        bdkBytes.fill(0)
        val ksn = "FFFF9876543210E00001".chunked(2).map { it.toInt(16).toByte() }.toByteArray()
        dukptDerive(bdk, ksn, DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.TDES2).use { pinKey ->
            val cv = pinKey.checkValue()
            check(pinKey.attributes().usage == KeyUsage.PinEncryption)
            println("DUKPT PIN key KCV ${cv.kcv?.joinToString("") { "%02X".format(it) }}")
        }
    }
    // README-END
}

fun main() {
    Runner.check("README Kotlin example") { readmeExample() }
    pinBlocks()
    keysAndTr31()
    dukpt()
    macs()
    cardData()
    records()
    sealAndJournal()
    closeAndToString()
    timing()
    exitProcess(Runner.finish())
}
