/**
 * The textual encoding of RFC 7468 section 2: base64 in lines of exactly 64 characters (the last
 * shorter), between BEGIN and END lines of the label, each line ended by "\n" (also after END). The
 * same text Node's KeyObject.export writes for a key, and node-forge wrote for our certificates
 * once its "\r\n" were replaced.
 */
export function toPem(label: string, der: Uint8Array): string {
    const base64 = Buffer.from(der.buffer, der.byteOffset, der.byteLength).toString("base64");
    const lines: string[] = [];
    for (let start = 0; start < base64.length; start += 64) {
        lines.push(base64.slice(start, start + 64));
    }
    return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
