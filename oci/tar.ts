/**
 * The little of tar that OCI layers and layout archives need: a writer whose output depends only on the
 * entries (sorted, fixed time, owner 0:0, no names), and a reader that refuses anything but plain files and
 * directories with safe relative paths.
 */
export interface TarEntry {
  /** Relative path; directories end in '/'. */
  path: string;
  /** File content; absent for a directory. */
  data?: Uint8Array;
  /** Permission bits, e.g. 0o644; directories default to 0o755, files to 0o644. */
  mode?: number;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, '0') + '\0';
}

function header(path: string, size: number, mode: number, type: '0' | '5'): Buffer {
  const h = Buffer.alloc(BLOCK);
  // Layer and layout paths are short (the longest, blobs/sha256/<64 hex>, is 77 bytes): no long-name headers.
  if (Buffer.byteLength(path) > 100) throw new Error(`tar: path longer than 100 bytes: ${path}`);
  h.write(path, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  h.write(octal(size, 12), 124, 'ascii');
  h.write(octal(0, 12), 136, 'ascii');
  h.write('        ', 148, 'ascii');
  h.write(type, 156, 'ascii');
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  h.write(octal(0, 8), 329, 'ascii');
  h.write(octal(0, 8), 337, 'ascii');
  let sum = 0;
  for (const b of h) sum += b;
  h.write(octal(sum, 7) + ' ', 148, 'ascii');
  return h;
}

/** Pure: a reproducible tar of these entries, in path order, ending with the two zero blocks. */
export function tarOf(entries: TarEntry[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of [...entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    checkPath(e.path);
    if (e.path.endsWith('/')) {
      parts.push(header(e.path, 0, e.mode ?? 0o755, '5'));
      continue;
    }
    const data = Buffer.from(e.data ?? new Uint8Array());
    parts.push(header(e.path, data.length, e.mode ?? 0o644, '0'), data, Buffer.alloc((BLOCK - (data.length % BLOCK)) % BLOCK));
  }
  parts.push(Buffer.alloc(BLOCK * 2));
  return Buffer.concat(parts);
}

export class TarError extends Error {}

/** A relative path without '.', '..' or empty components: nothing in an archive may land outside its directory. */
function checkPath(path: string): void {
  const parts = path.replace(/\/$/, '').split('/');
  if (!path || path.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..') || /[\0\\]/.test(path)) {
    throw new TarError(`unsafe path in archive: ${JSON.stringify(path)}`);
  }
}

const field = (h: Buffer, at: number, len: number) => h.subarray(at, at + len).toString('utf8').replace(/\0.*$/s, '');
/** Octal header numbers; base-256 (high bit set) and anything but octal digits are refused, not guessed. */
const num = (h: Buffer, at: number, len: number, what: string) => {
  if (h[at]! & 0x80) throw new TarError(`malformed tar header: the ${what} is in base-256, which no layer needs`);
  const s = field(h, at, len).trim();
  if (!/^[0-7]*$/.test(s)) throw new TarError(`malformed tar header: the ${what} is not an octal number`);
  return s ? parseInt(s, 8) : 0;
};

/**
 * PAX extended header records "LEN key=value\n": only path and size matter here. Every length is checked:
 * a record must hold its own length field, fit in the header and end in a newline.
 */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const lenText = sp < 0 ? '' : data.subarray(i, sp).toString('latin1');
    const len = /^[1-9][0-9]{0,8}$/.test(lenText) ? Number(lenText) : NaN;
    if (!(len > sp - i + 1) || i + len > data.length || data[i + len - 1] !== 0x0a) throw new TarError('malformed PAX header: a record length is not a decimal number within the header');
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq <= 0) throw new TarError('malformed PAX header: a record without key=value');
    const key = rec.slice(0, eq);
    if (key === 'path' || key === 'size') out[key] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** A PAX size: decimal digits only (not negative, not 1e3, not 0x10), and a whole number JavaScript can hold. */
function paxSize(text: string): number {
  const n = /^[0-9]{1,15}$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(n)) throw new TarError(`malformed PAX header: the size ${JSON.stringify(text.slice(0, 20))} is not a non-negative decimal number`);
  return n;
}

/**
 * Pure: the files and directories of a tar. Plain files ('0'), directories ('5') and PAX/GNU long-name
 * headers are read; links, devices and unsafe paths are refused with a TarError.
 */
export function readTar(buf: Buffer): TarEntry[] {
  const out: TarEntry[] = [];
  let at = 0;
  let pax: Record<string, string> = {};
  let longName: string | null = null;
  for (;;) {
    if (at + BLOCK > buf.length) throw new TarError('tar archive is truncated (no end-of-archive marker)');
    const h = buf.subarray(at, at + BLOCK);
    if (h.every((b) => b === 0)) break;
    let sum = 0;
    for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
    if (sum !== num(h, 148, 8, 'checksum')) throw new TarError('tar header checksum mismatch');
    const type = String.fromCharCode(h[156]!);
    const size = pax.size !== undefined ? paxSize(pax.size) : num(h, 124, 12, 'size');
    const dataAt = at + BLOCK;
    if (size > buf.length - dataAt) throw new TarError(`tar archive is truncated (an entry of ${size} bytes, ${buf.length - dataAt} left)`);
    const data = buf.subarray(dataAt, dataAt + size);
    at = dataAt + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'x') { pax = paxRecords(data); continue; }
    if (type === 'g') continue;
    if (type === 'L') { longName = data.toString('utf8').replace(/\0.*$/s, ''); continue; }
    const prefix = field(h, 345, 155);
    const path = pax.path ?? longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    pax = {};
    longName = null;
    const rel = path.replace(/^\.\//, '');
    if (rel === '' || rel === '.' || rel === './') continue;
    checkPath(rel);
    const mode = num(h, 100, 8, 'mode') & 0o7777;
    if (type === '5') out.push({ path: rel.endsWith('/') ? rel : `${rel}/`, mode });
    else if (type === '0' || type === '\0') out.push({ path: rel, data, mode });
    else throw new TarError(`unsupported entry type ${JSON.stringify(type)} for ${rel} (only files and directories)`);
  }
  return out;
}
