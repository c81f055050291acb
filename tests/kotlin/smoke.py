"""Python smoke test of the UniFFI bindings: the same library as Kotlin,
through the generated Python module (proves the binding is not
Kotlin-specific). Standard library only; run by tests/kotlin/run.sh."""
import sys
import unittest

import paycore_uniffi as p

PIN_KEY = bytes.fromhex("042666B49184CF5C68DE9628D0397B36")  # X9.24-1:2009 A.4.2, counter 1


class Smoke(unittest.TestCase):
    def test_pin_block_vector(self):
        # tests/vectors/pin.json: ISO 0 under the A.4.2 PIN key.
        attrs = p.KeyAttributes(
            usage=p.KeyUsage.PIN_ENCRYPTION(),
            mode_of_use=p.ModeOfUse.ENCRYPT_DECRYPT,
            exportability=p.Exportability.EXPORTABLE,
            version="00",
        )
        key = p.Key(p.Algorithm.TDES2, PIN_KEY, attrs)
        block = p.encipher_pin_block(key, p.PinBlockFormat.ISO0, b"1234", "4012345678909", None)
        self.assertEqual(block.hex().upper(), "1B9C1845EB993A7A")
        self.assertEqual(p.decipher_pin_block(key, p.PinBlockFormat.ISO0, block, "4012345678909"), b"1234")
        self.assertNotIn(PIN_KEY.hex(), repr(key).lower())

    def test_error_mapping(self):
        with self.assertRaises(p.PaycoreError.InvalidPan) as cm:
            p.inspect_pan("4111x11111111111")
        self.assertEqual(str(cm.exception), "PAN: non-digit character at position 4")

    def test_tlv(self):
        nodes = p.tlv_decode(bytes.fromhex("6F0A8408A000000003000000"))
        self.assertEqual([n.tag for n in nodes], ["6F", "84"])


if __name__ == "__main__":
    result = unittest.main(exit=False, verbosity=0).result
    failed = len(result.failures) + len(result.errors)
    print(f"{result.testsRun - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)
