import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ldCacheMap, parseLdCache } from '../../lib/ld-cache.js';

/** A new-format cache with the given entries (flags, soname, path, hwcap), laid out as ldconfig writes it. */
function cache(entries: [number, string, string, bigint][], prefix = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(48);
  header.write('glibc-ld.so.cache1.1', 0, 'latin1');
  header.writeUInt32LE(entries.length, 20);
  const table = Buffer.alloc(entries.length * 24);
  const strings: Buffer[] = [];
  let at = 48 + table.length;
  entries.forEach(([flags, soname, path, hwcap], i) => {
    const e = i * 24;
    table.writeInt32LE(flags, e);
    table.writeUInt32LE(at, e + 4);
    strings.push(Buffer.from(`${soname}\0`));
    at += soname.length + 1;
    table.writeUInt32LE(at, e + 8);
    strings.push(Buffer.from(`${path}\0`));
    at += path.length + 1;
    table.writeBigUInt64LE(hwcap, e + 16);
  });
  return Buffer.concat([prefix, header, table, ...strings]);
}

describe('ld.so.cache', () => {
  it('reads x86-64 entries in order, marks glibc-hwcaps ones and leaves other architectures out', () => {
    const b = cache([
      [0x0303, 'libz.so.1', '/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libz.so.1', (1n << 62n) | 1n],
      [0x0303, 'libz.so.1', '/lib/x86_64-linux-gnu/libz.so.1', 0n],
      [0x0003, 'libz.so.1', '/lib/i386-linux-gnu/libz.so.1', 0n],
    ]);
    expect(parseLdCache(b)).toEqual([
      { soname: 'libz.so.1', path: '/lib/x86_64-linux-gnu/glibc-hwcaps/x86-64-v3/libz.so.1', hwcaps: true },
      { soname: 'libz.so.1', path: '/lib/x86_64-linux-gnu/libz.so.1', hwcaps: false },
    ]);
    // The guest CPU may lack what a hwcaps build needs: the baseline library is the one taken.
    expect(ldCacheMap(parseLdCache(b)).get('libz.so.1')).toBe('/lib/x86_64-linux-gnu/libz.so.1');
  });

  it('reads the new part of an old-format file with string offsets from the new header', () => {
    const b = cache([[0x0303, 'liba.so.1', '/usr/lib/liba.so.1', 0n]], Buffer.from('ld.so-1.7.0\0\0\0\0\0'));
    expect(parseLdCache(b)).toEqual([{ soname: 'liba.so.1', path: '/usr/lib/liba.so.1', hwcaps: false }]);
    expect(parseLdCache(Buffer.from('garbage'))).toEqual([]);
  });

  it.skipIf(!existsSync('/etc/ld.so.cache'))("agrees with ldconfig -p on this host's cache", () => {
    const ours = ldCacheMap(parseLdCache(readFileSync('/etc/ld.so.cache')));
    const theirs = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' })
      .split('\n')
      .flatMap((l) => {
        const m = /^\s+(\S+) \(libc6,x86-64\) => (\S+)$/.exec(l);
        return m ? [[m[1]!, m[2]!] as const] : [];
      });
    expect(theirs.length).toBeGreaterThan(10);
    for (const [soname] of theirs) expect(ours.has(soname), soname).toBe(true);
    const first = new Map<string, string>();
    for (const [s, p] of theirs) if (!first.has(s)) first.set(s, p);
    expect(ours.get('libc.so.6')).toBe(first.get('libc.so.6'));
  });
});
