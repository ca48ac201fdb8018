/**
 * glibc's /etc/ld.so.cache, the "new" format (glibc-ld.so.cache1.1, the only one ldconfig writes since 2.32; an
 * old-format file with the new one appended is read from the new part). Pure: bytes in, soname → path out.
 */
const NEW_MAGIC = 'glibc-ld.so.cache1.1';
const HEADER = 48;
const ENTRY = 24;
/** FLAG_ELF_LIBC6 | FLAG_X8664_LIB64: a 64-bit x86 glibc library. */
const X86_64_LIBC6 = 0x0303;
/** Entries for glibc-hwcaps subdirectories (x86-64-v2 … v4) carry this bit in their hwcap word. */
const HWCAP_EXTENSION = 1n << 62n;

export interface LdCacheEntry {
  soname: string;
  path: string;
  /** The glibc-hwcaps subdirectory's entry (x86-64-v3 …), not the baseline one. */
  hwcaps: boolean;
}

const cstr = (b: Buffer, at: number): string => {
  const end = b.indexOf(0, at);
  return b.toString('latin1', at, end < 0 ? b.length : end);
};

/** Pure: the x86-64 entries of an ld.so.cache, in the file's order (the loader's order of preference). */
export function parseLdCache(b: Buffer): LdCacheEntry[] {
  const base = b.indexOf(NEW_MAGIC, 0, 'latin1');
  if (base < 0 || base + HEADER > b.length) return [];
  const nlibs = b.readUInt32LE(base + 20);
  const out: LdCacheEntry[] = [];
  for (let i = 0; i < nlibs; i++) {
    const e = base + HEADER + i * ENTRY;
    if (e + ENTRY > b.length) break;
    if ((b.readInt32LE(e) & 0xffff) !== X86_64_LIBC6) continue;
    // String offsets count from the start of the new-format header.
    const soname = cstr(b, base + b.readUInt32LE(e + 4));
    const path = cstr(b, base + b.readUInt32LE(e + 8));
    out.push({ soname, path, hwcaps: (b.readBigUInt64LE(e + 16) & HWCAP_EXTENSION) !== 0n });
  }
  return out;
}

/**
 * Pure: soname → path as a guest sees it. glibc-hwcaps entries are left out: the loader picks them for the
 * host's CPU, and a unikernel's guest CPU (QEMU's under TCG) may lack what they were built for.
 */
export function ldCacheMap(entries: LdCacheEntry[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of entries) if (!e.hwcaps && !m.has(e.soname)) m.set(e.soname, e.path);
  return m;
}
