import * as assert from "node:assert/strict";
import * as der from "../../components/certificate/der";

// The DER encoder's octets, written out from ITU-T X.690 by hand. The certificate and PKCS#12
// tests check whole structures against node-forge and openssl; these pin each rule on its own.

const hex = (encoding: Buffer): string => encoding.toString("hex");

describe("DER encoder", () => {
    describe("lengths (X.690 8.1.3)", () => {
        it("uses the short form below 128 octets", () => {
            assert.equal(hex(der.octetString(Buffer.alloc(127))).slice(0, 4), "047f");
        });

        it("uses the long form with the fewest length octets from 128 on", () => {
            assert.equal(hex(der.octetString(Buffer.alloc(128))).slice(0, 6), "048180");
            assert.equal(hex(der.octetString(Buffer.alloc(255))).slice(0, 6), "0481ff");
            assert.equal(hex(der.octetString(Buffer.alloc(256))).slice(0, 8), "04820100");
            assert.equal(hex(der.octetString(Buffer.alloc(70_000))).slice(0, 10), "0483011170");
        });
    });

    describe("INTEGER (X.690 8.3)", () => {
        it("writes small values in the fewest octets, with a leading zero when the top bit is set", () => {
            assert.equal(hex(der.smallInteger(0)), "020100");
            assert.equal(hex(der.smallInteger(2)), "020102");
            assert.equal(hex(der.smallInteger(127)), "02017f");
            assert.equal(hex(der.smallInteger(128)), "02020080");
            assert.equal(hex(der.smallInteger(2048)), "02020800");
        });

        it("drops redundant leading zeros of a magnitude, and keeps a positive value positive", () => {
            assert.equal(hex(der.unsignedInteger(Buffer.from("00007f01", "hex"))), "02027f01");
            assert.equal(hex(der.unsignedInteger(Buffer.from("0080", "hex"))), "02020080");
            assert.equal(hex(der.unsignedInteger(Buffer.from("ff", "hex"))), "020200ff");
            assert.equal(hex(der.unsignedInteger(Buffer.from("0000", "hex"))), "020100");
        });
    });

    it("OBJECT IDENTIFIER (X.690 8.19): first two arcs in one subidentifier, base 128", () => {
        assert.equal(hex(der.objectIdentifier("2.5.4.3")), "0603550403");
        assert.equal(hex(der.objectIdentifier("1.2.840.113549.1.1.11")), "06092a864886f70d01010b");
        assert.equal(hex(der.objectIdentifier("1.3.6.1.5.5.7.3.2")), "06082b06010505070302");
    });

    it("BOOLEAN TRUE is 0xFF and NULL is empty (X.690 11.1, 8.8)", () => {
        assert.equal(hex(der.booleanTrue()), "0101ff");
        assert.equal(hex(der.nullValue()), "0500");
    });

    it("BIT STRING leads with its count of unused bits (X.690 8.6.2)", () => {
        assert.equal(hex(der.bitString(Buffer.from("80", "hex"), 7)), "03020780");
        assert.equal(hex(der.bitString(Buffer.from("abcd", "hex"))), "030300abcd");
    });

    it("strings: UTF8String as UTF-8, BMPString as big-endian UTF-16", () => {
        assert.equal(hex(der.utf8String("Zoë_@")), "0c065a6fc3ab5f40");
        assert.equal(hex(der.bmpString("acme")), "1e0800610063006d0065");
        assert.equal(hex(der.bmpString("€")), "1e0220ac");
    });

    it("times in UTC at whole seconds: UTCTime YYMMDDHHMMSSZ, GeneralizedTime YYYYMMDDHHMMSSZ (X.690 11.7, 11.8)", () => {
        const instant = new Date("2049-12-31T23:59:59.999Z");
        assert.equal(der.utcTime(instant).toString("latin1"), "\x17\x0d491231235959Z");
        assert.equal(der.generalizedTime(new Date("2050-01-01T00:00:00Z")).toString("latin1"), "\x18\x0f20500101000000Z");
        assert.equal(der.utcTime(new Date("1950-01-01T00:00:00Z")).toString("latin1"), "\x17\x0d500101000000Z");
    });

    it("constructed types wrap complete encodings in order: SEQUENCE, SET, [n] EXPLICIT", () => {
        assert.equal(hex(der.sequence(der.smallInteger(1), der.nullValue())), "3005020101" + "0500");
        assert.equal(hex(der.set(der.nullValue())), "31020500");
        assert.equal(hex(der.explicit(0, der.smallInteger(2))), "a003020102");
        assert.equal(hex(der.explicit(3, der.sequence())), "a3023000");
    });
});
