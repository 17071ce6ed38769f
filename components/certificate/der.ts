// A minimal DER encoder (ITU-T X.690), holding only what an X.509 certificate and a PKCS#12 file
// need. Each function returns one complete encoding (identifier, length and contents octets), so a
// structure is written as nested calls in the order its ASN.1 definition lists the fields.
//
// The certificate engine runs inside Pulumi's serialized dynamic provider, which can load Node's
// built-in modules only: this module must stay free of third-party imports and of module-scope
// values other than plain data (see engine.ts).

/** Universal tags (X.680 8.4); SEQUENCE and SET carry the constructed bit (X.690 8.1.2.5). */
const TAG = {
    BOOLEAN: 0x01,
    INTEGER: 0x02,
    BIT_STRING: 0x03,
    OCTET_STRING: 0x04,
    NULL: 0x05,
    OBJECT_IDENTIFIER: 0x06,
    UTF8_STRING: 0x0c,
    UTC_TIME: 0x17,
    GENERALIZED_TIME: 0x18,
    BMP_STRING: 0x1e,
    SEQUENCE: 0x30,
    SET: 0x31,
};

/** Any type, given its identifier octet and its contents octets, in the definite form DER requires. */
function tagged(tag: number, contents: Uint8Array): Buffer {
    return Buffer.concat([Uint8Array.of(tag), lengthOctets(contents.length), contents]);
}

/** X.690 8.1.3: short form below 128, otherwise 0x80 + the count of big-endian length octets. */
function lengthOctets(length: number): Uint8Array {
    if (length < 0x80) {
        return Uint8Array.of(length);
    }
    const octets: number[] = [];
    for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) {
        octets.unshift(rest % 256);
    }
    return Uint8Array.of(0x80 | octets.length, ...octets);
}

export function sequence(...elements: Uint8Array[]): Buffer {
    return tagged(TAG.SEQUENCE, Buffer.concat(elements));
}

/**
 * A SET written in the order given. DER orders a SET OF by encoding (X.690 11.6); every SET here
 * has one element, except PKCS#12 bag attributes, whose order pkcs12.ts explains.
 */
export function set(...elements: Uint8Array[]): Buffer {
    return tagged(TAG.SET, Buffer.concat(elements));
}

/** `[n] EXPLICIT`: a context-specific, constructed tag around complete encodings (X.690 8.14). */
export function explicit(tagNumber: number, ...elements: Uint8Array[]): Buffer {
    return tagged(0xa0 | tagNumber, Buffer.concat(elements));
}

/** X.690 8.2 and 11.1: DER writes TRUE as 0xFF. FALSE is never written: fields default to it. */
export function booleanTrue(): Buffer {
    return tagged(TAG.BOOLEAN, Uint8Array.of(0xff));
}

export function nullValue(): Buffer {
    return tagged(TAG.NULL, new Uint8Array(0));
}

/**
 * A non-negative INTEGER from its unsigned big-endian magnitude: two's complement in the fewest
 * octets (X.690 8.3.2), so leading zero octets are dropped and one is added when the top bit is set.
 */
export function unsignedInteger(magnitude: Uint8Array): Buffer {
    let start = 0;
    while (start < magnitude.length - 1 && magnitude[start] === 0) {
        start++;
    }
    const minimal = magnitude.subarray(start);
    const contents = minimal.length === 0 || minimal[0] & 0x80 ? Buffer.concat([Uint8Array.of(0), minimal]) : minimal;
    return tagged(TAG.INTEGER, contents);
}

/** A small non-negative INTEGER, such as a version or an iteration count. */
export function smallInteger(value: number): Buffer {
    const octets: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) {
        octets.unshift(rest % 256);
    }
    return unsignedInteger(Uint8Array.from(octets));
}

/**
 * X.690 8.19: the first two arcs share one subidentifier (40 * first + second); each
 * subidentifier is written base 128, most significant group first, with bit 8 set on all but the last.
 */
export function objectIdentifier(dotted: string): Buffer {
    const arcs = dotted.split(".").map(Number);
    const subidentifiers = [40 * arcs[0] + arcs[1], ...arcs.slice(2)];
    const octets: number[] = [];
    for (const subidentifier of subidentifiers) {
        const groups = [subidentifier % 128];
        for (let rest = Math.floor(subidentifier / 128); rest > 0; rest = Math.floor(rest / 128)) {
            groups.unshift(0x80 | (rest % 128));
        }
        octets.push(...groups);
    }
    return tagged(TAG.OBJECT_IDENTIFIER, Uint8Array.from(octets));
}

export function octetString(contents: Uint8Array): Buffer {
    return tagged(TAG.OCTET_STRING, contents);
}

/** X.690 8.6.2: the first contents octet counts the unused bits at the end of the last octet. */
export function bitString(bits: Uint8Array, unusedBits = 0): Buffer {
    return tagged(TAG.BIT_STRING, Buffer.concat([Uint8Array.of(unusedBits), bits]));
}

export function utf8String(text: string): Buffer {
    return tagged(TAG.UTF8_STRING, Buffer.from(text, "utf8"));
}

/** BMPString (X.680 41.16): UTF-16 code units, big-endian. */
export function bmpString(text: string): Buffer {
    return tagged(TAG.BMP_STRING, Buffer.from(text, "utf16le").swap16());
}

/** UTCTime as DER restricts it (X.690 11.8): `YYMMDDHHMMSSZ`, whole seconds, in UTC. */
export function utcTime(instant: Date): Buffer {
    return tagged(TAG.UTC_TIME, Buffer.from(timeDigits(instant).slice(2) + "Z", "ascii"));
}

/** GeneralizedTime as DER restricts it (X.690 11.7): `YYYYMMDDHHMMSSZ`, whole seconds, in UTC. */
export function generalizedTime(instant: Date): Buffer {
    return tagged(TAG.GENERALIZED_TIME, Buffer.from(timeDigits(instant) + "Z", "ascii"));
}

/** `YYYYMMDDHHMMSS` in UTC; fractions of a second are dropped, never rounded up. */
function timeDigits(instant: Date): string {
    return instant.toISOString().slice(0, 19).replace(/[-T:]/g, "");
}
