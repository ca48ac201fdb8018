/**
 * FNV-1a over bytes, 2×32 bits as 16 hex digits: names a build of unik's own small sources (not a security
 * hash), without loading node:crypto on paths every `unik run` takes.
 */
export function quickHash(...parts: Uint8Array[]): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (const p of parts) {
    for (const byte of p) {
      a = Math.imul(a ^ byte, 0x01000193) >>> 0;
      b = Math.imul(b ^ byte, 0x01000193) >>> 0;
      b = (b + a) >>> 0;
    }
  }
  return a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0');
}
