// The demo's sale (`paycore demo`), from Kotlin: terminal side, then host
// side, each step checked. Run by tests/kotlin/run.sh; prints
// "N passed, M failed" and exits non-zero on any failure.
//
// Test data: the X9.24-3-2017 supplement's AES-128 BDK and initial key ID
// (tests/vectors/dukpt_aes_x9_24_3_2017_aes128.json) and a Visa test track.
@file:JvmName("Sale")

package dev.paycore.tests

import dev.paycore.*
import kotlin.system.exitProcess

/** The terminal's flash: the sealed DUKPT state, replaced atomically. */
class Flash : DukptStateStore {
    var blob: ByteArray? = null
    var writes = 0
    override fun persist(blob: ByteArray): Boolean {
        this.blob = blob.copyOf()
        writes++
        return true
    }
}

fun main() {
    val common = Vectors.load("dukpt_aes_x9_24_3_2017_aes128.json").asJsonObject.obj("common")
    val track = ";4761739001010010=25122011143804400000?".toByteArray()
    val pinTyped = "1234".toByteArray()
    val amount = 2599uL

    // Key injection (the key-injection station; the terminal only ever holds
    // the initial key, never the BDK).
    val bdk = Key(Algorithm.AES128, common.str("bdk_aes128").unhex(), attrs(KeyUsage.Bdk, ModeOfUse.DERIVE))
    val initialKeyId = common.str("initial_key_id").unhex()
    val flash = Flash()
    val deviceKey = Key(Algorithm.AES256, ByteArray(32) { (it * 13 + 5).toByte() }, attrs(KeyUsage.DataEncryption, ModeOfUse.ENCRYPT_DECRYPT))
    val originator = dukptDeriveInitialKey(bdk, initialKeyId).use { ik ->
        DukptOriginator.loadAes(ik, initialKeyId, deviceKey, flash)
    }
    val device = DeviceSigningKey.generate()
    val host = RecipientKey.generate()
    val tokenKey = Key(Algorithm.AES256, ByteArray(32) { 0x42 }, attrs(KeyUsage.MacHmac, ModeOfUse.GENERATE_VERIFY))
    val journal = JournalWriter()

    // Terminal: read the card, PIN block, MAC, record, seal, journal.
    val card = Track2.parse(track)
    val summary = card.summary()
    val pan = String(card.dangerousPan())
    println("card      ${summary.pan.maskedPan} ${summary.pan.brand} expiry ${summary.expiry}")
    val tx = originator.nextTransaction(deviceKey)
    val ksn = tx.ksn()
    val pinBlock = tx.workingKey(DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128).use { k ->
        encipherPinBlock(k, PinBlockFormat.ISO4, pinTyped, pan)
    }
    pinTyped.fill(0)
    val request = "0200|${summary.pan.maskedPan}|$amount|978|${ksn.hex()}|${pinBlock.hex()}".toByteArray()
    val mac = tx.workingKey(DukptKeyUsage.MAC_GENERATE, DukptKeyType.AES128).use { k ->
        macGenerate(k, MacAlgorithm.Cmac, request, 8u)
    }
    tx.close()
    println("ksn       ${ksn.hex()} (state persisted ${flash.writes} times)")
    println("pin block ISO 4, ${pinBlock.size} bytes; mac ${mac.hex()}")
    val record = TransactionRecord(
        "MERCHANT0000001", "TERM0001", 1u, amount, 978u.toUShort(), TransactionType.SALE, EntryMode.MAGSTRIPE,
        1_700_000_000uL, summary.pan.maskedPan, panToken(tokenKey, pan), null, "00", null,
    )
    val signed = device.signRecord(record)
    val aad = "TERM0001".toByteArray()
    val sealed = card.dangerousDiscretionary().let { seal(host.publicKey(), aad, track) }
    card.close()
    val entry = journal.appendSigned(device, signed.encoded)
    println("record    ${signed.encoded.size} bytes signed; card data sealed (${sealed.size} bytes); journal entry ${journal.nextSequence() - 1uL}")

    // Host: derive from the BDK, check everything.
    Runner.check("host: DUKPT PIN key from the BDK deciphers the PIN") {
        dukptDerive(bdk, ksn, DukptKeyUsage.PIN_ENCRYPTION, DukptKeyType.AES128).use { k ->
            val pin = decipherPinBlock(k, PinBlockFormat.ISO4, pinBlock, pan)
            ensureEq("1234", String(pin), "PIN")
            pin.fill(0)
        }
    }
    Runner.check("host: MAC verifies, altered request refused") {
        dukptDerive(bdk, ksn, DukptKeyUsage.MAC_GENERATE, DukptKeyType.AES128).use { k ->
            macVerify(k, MacAlgorithm.Cmac, request, mac)
            val altered = request.copyOf().also { it[10] = (it[10].toInt() xor 1).toByte() }
            val e = expectPaycore("altered") { macVerify(k, MacAlgorithm.Cmac, altered, mac) }
            ensure(e is PaycoreException.VerificationFailed) { "kind ${e.kind()}" }
        }
    }
    Runner.check("host: record signature verifies") {
        val back = verifyRecord(device.publicKey(), signed.encoded, signed.signature)
        ensureEq(amount, back.amountMinor, "amount")
        ensureEq(summary.pan.maskedPan, back.maskedPan, "masked PAN")
    }
    Runner.check("host: sealed card data opens to the track") {
        ensureEq(String(track), String(host.open(aad, sealed)), "track")
    }
    Runner.check("host: journal intact") {
        val report = journalVerifySigned(listOf(entry), device.publicKey())
        ensure(report.problems.isEmpty() && report.authentic == 1uL) { "journal ${report.problems}" }
    }
    Runner.check("terminal: restart from flash continues the counter") {
        val next = originator.counter()
        originator.close()
        DukptOriginator.restore(deviceKey, flash.blob!!, next, flash).use { o ->
            ensureEq(next, o.counter(), "counter")
            o.nextTransaction(deviceKey).use { t -> ensure(!t.ksn().contentEquals(ksn)) { "KSN reused" } }
        }
    }
    listOf(bdk, deviceKey, device, host, tokenKey, journal).forEach { it.close() }
    exitProcess(Runner.finish())
}
