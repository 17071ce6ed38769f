import { hash } from "node:crypto";

// The password-based key derivation of PKCS#12 (RFC 7292, appendix B.2), over SHA-1: the only
// hash the PKCS#12 files we write use (3DES key bag, SHA-1 MAC; see pkcs12.ts). Every hash is
// Node's native SHA-1; this module only arranges the inputs as the appendix prescribes.

/** What a derivation is for: the ID byte of appendix B.3. */
export const PKCS12_KDF_PURPOSE = {
    /** Key material for encryption or decryption. */
    KEY: 1,
    /** An initialization vector. */
    IV: 2,
    /** A key for MACing. */
    MAC: 3,
} as const;

export type Pkcs12KdfPurpose = (typeof PKCS12_KDF_PURPOSE)[keyof typeof PKCS12_KDF_PURPOSE];

/** SHA-1's output length u and block length v, in octets (appendix B.2). */
const SHA1_OUTPUT_LENGTH = 20;
const SHA1_BLOCK_LENGTH = 64;

/**
 * Derives `length` octets from a password and salt, as RFC 7292 appendix B.2 does with SHA-1 and
 * node-forge's pkcs12.generateKey does too. The password is the BMPString of appendix B.1,
 * terminated by two zero octets: the empty password is therefore the two octets 00 00, not
 * nothing. That is what OpenSSL and node-forge derive from "", and how every file this library
 * has issued was protected.
 */
export function pkcs12Kdf(password: string, salt: Uint8Array, purpose: Pkcs12KdfPurpose, iterations: number, length: number): Buffer {
    if (!Number.isInteger(iterations) || iterations < 1) {
        // With no iteration nothing is hashed and the "key" would be D || I itself (appendix B.2, step 6a).
        throw new Error(`PKCS#12 key derivation needs at least one iteration; got ${iterations}.`);
    }
    const v = SHA1_BLOCK_LENGTH;
    const u = SHA1_OUTPUT_LENGTH;
    const passwordOctets = Buffer.from(`${password}\u0000`, "utf16le").swap16();

    // Steps 1 to 4: D is v copies of the ID; I = S || P, salt and password each repeated to a
    // multiple of v octets (the last copy truncated).
    const diversifier = Buffer.alloc(v, purpose);
    const input = Buffer.concat([repeatToBlocks(salt, v), repeatToBlocks(passwordOctets, v)]);

    // Steps 5 to 7: c = ceil(n / u) rounds, each A_i = H^r(D || I), output A_1 || A_2 || ...
    const rounds = Math.ceil(length / u);
    const output = Buffer.alloc(rounds * u);
    for (let round = 0; round < rounds; round++) {
        const digest = iteratedSha1(Buffer.concat([diversifier, input]), iterations);
        digest.copy(output, round * u);
        if (round + 1 < rounds) {
            addToEachBlockPlusOne(input, repeatToBlocks(digest, v));
        }
    }
    return output.subarray(0, length);
}

/**
 * Step 6a's H^r: SHA-1 applied `iterations` times. Issuing one file takes four such chains of 2048
 * (3DES key: two, IV: one, MAC key: one), the bulk of the engine's own work. After the first, each
 * digest is of 20 octets, where setting up a createHash object costs more than hashing:
 * crypto.hash, the one-shot form, takes about a third of the time, and its digest is cheapest to
 * take as a "binary" (latin1) string and turn back into octets.
 */
function iteratedSha1(input: Buffer, iterations: number): Buffer {
    // Locals for what the loop calls. In the serialized provider, Pulumi wraps each function in a
    // `with` scope through which every other name, globals included, is looked up at each use;
    // that doubled the time of this loop there.
    const oneShotHash = hash;
    const octets = Buffer;
    let digest = octets.from(oneShotHash("sha1", input, "binary"), "binary");
    for (let iteration = 1; iteration < iterations; iteration++) {
        digest = octets.from(oneShotHash("sha1", digest, "binary"), "binary");
    }
    return digest;
}

/** Copies of `octets` concatenated to v * ceil(length / v) octets, the last copy truncated (steps 2 and 3). */
function repeatToBlocks(octets: Uint8Array, blockLength: number): Buffer {
    const repeated = Buffer.alloc(blockLength * Math.ceil(octets.length / blockLength));
    for (let offset = 0; offset < repeated.length; offset += octets.length) {
        repeated.set(octets.subarray(0, repeated.length - offset), offset);
    }
    return repeated;
}

/**
 * Step 6c: I_j = (I_j + B + 1) mod 2^(8v) for each v-octet block I_j of I, in place, big-endian,
 * where B (step 6b) is A_i repeated to v octets.
 */
function addToEachBlockPlusOne(input: Buffer, addend: Buffer): void {
    for (let blockStart = 0; blockStart < input.length; blockStart += addend.length) {
        let carry = 1;
        for (let index = addend.length - 1; index >= 0; index--) {
            const sum = input[blockStart + index] + addend[index] + carry;
            input[blockStart + index] = sum & 0xff;
            carry = sum >> 8;
        }
    }
}
