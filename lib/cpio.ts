/** One file of a cpio archive: its path in the archive (no leading '/'), bytes and permission bits. */
export interface CpioFile {
  path: string;
  data: Uint8Array;
  mode: number;
}

const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;

const pad4 = (n: number) => (4 - (n % 4)) % 4;

function entry(ino: number, name: string, mode: number, data: Uint8Array): Buffer[] {
  const nameBytes = Buffer.from(`${name}\0`);
  const fields = [ino, mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, nameBytes.length, 0];
  const header = Buffer.from(`070701${fields.map((f) => f.toString(16).padStart(8, '0')).join('')}`, 'latin1');
  return [header, nameBytes, Buffer.alloc(pad4(header.length + nameBytes.length)), Buffer.from(data), Buffer.alloc(pad4(data.length))];
}

/**
 * Pure: a "newc" cpio archive (what Linux and Unikraft's ukcpio read) holding the files, each parent directory
 * listed before what it holds, owned by root, mtime 0 so the same files always give the same bytes.
 */
export function cpioArchive(files: CpioFile[]): Buffer {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.path.split('/');
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  const out: Buffer[] = [];
  let ino = 1;
  for (const d of [...dirs].sort()) out.push(...entry(ino++, d, S_IFDIR | 0o755, new Uint8Array()));
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) out.push(...entry(ino++, f.path, S_IFREG | (f.mode & 0o7777), f.data));
  out.push(...entry(0, 'TRAILER!!!', 0, new Uint8Array()));
  return Buffer.concat(out);
}
