import { execa } from 'execa';
import { readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTar, tarOf, TarError } from '../../oci/tar.js';
import { tmpTree } from '../helpers/tmp.js';

const entries = [
  { path: 'unik/kernel', data: Buffer.from('kernel bytes'), mode: 0o644 },
  { path: 'unik/' },
  { path: 'unik/files/tender', data: Buffer.from('#!tender'), mode: 0o755 },
  { path: 'unik/files/' },
  { path: 'urunc.json', data: Buffer.from('{}') },
];

describe('tarOf', () => {
  it('depends only on the entries: same bytes whatever their order', () => {
    expect(tarOf(entries).equals(tarOf([...entries].reverse()))).toBe(true);
  });

  it('writes what GNU tar lists: sorted paths, owner 0/0, time 0, the given modes', async () => {
    const file = join(tmpTree(), 'x.tar');
    writeFileSync(file, tarOf(entries));
    const { stdout } = await execa('tar', ['--numeric-owner', '--utc', '-tvf', file]);
    const rows = stdout.split('\n').map((l) => l.split(/\s+/));
    expect(rows.map((r) => r.at(-1))).toEqual(['unik/', 'unik/files/', 'unik/files/tender', 'unik/kernel', 'urunc.json']);
    expect(rows.map((r) => r[0])).toEqual(['drwxr-xr-x', 'drwxr-xr-x', '-rwxr-xr-x', '-rw-r--r--', '-rw-r--r--']);
    expect(new Set(rows.map((r) => `${r[1]} ${r[3]}`))).toEqual(new Set(['0/0 1970-01-01']));
    const out = tmpTree();
    await execa('tar', ['-xf', file, '-C', out]);
    expect(readFileSync(join(out, 'unik/kernel'), 'utf8')).toBe('kernel bytes');
  });
});

describe('readTar', () => {
  it('reads back what tarOf wrote', () => {
    const back = readTar(tarOf(entries));
    expect(back.map((e) => [e.path, e.mode, e.data?.toString()])).toEqual([
      ['unik/', 0o755, undefined],
      ['unik/files/', 0o755, undefined],
      ['unik/files/tender', 0o755, '#!tender'],
      ['unik/kernel', 0o644, 'kernel bytes'],
      ['urunc.json', 0o644, '{}'],
    ]);
  });

  it('reads GNU tar archives (./ prefixes, PAX long names)', async () => {
    const dir = tmpTree({ 'blobs/sha256/abc': 'blob', 'index.json': '{}' });
    const longName = `${'n'.repeat(120)}.txt`;
    writeFileSync(join(dir, longName), 'long');
    const file = join(tmpTree(), 'a.tar');
    await execa('tar', ['--format=pax', '-cf', file, '-C', dir, '.']);
    const got = new Map(readTar(readFileSync(file)).map((e) => [e.path, e.data?.toString()]));
    expect(got.get('blobs/sha256/abc')).toBe('blob');
    expect(got.get('index.json')).toBe('{}');
    expect(got.get(longName)).toBe('long');
  });

  it('refuses links and paths that leave the directory', async () => {
    const dir = tmpTree({ 'a.txt': 'a' });
    symlinkSync('/etc/passwd', join(dir, 'link'));
    const file = join(tmpTree(), 'l.tar');
    await execa('tar', ['-cf', file, '-C', dir, 'link']);
    expect(() => readTar(readFileSync(file))).toThrow(TarError);
    expect(() => readTar(readFileSync(file))).toThrow(/unsupported entry type "2" for link/);
    const evil = tarOf([{ path: 'x/placeholder', data: Buffer.from('x') }]);
    evil.write('../../etc/x\0', 0, 'utf8');
    // fix the checksum so only the path is wrong
    evil.write('        ', 148, 'ascii');
    let sum = 0;
    for (let i = 0; i < 512; i++) sum += evil[i]!;
    evil.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 'ascii');
    expect(() => readTar(evil)).toThrow(/unsafe path in archive: "..\/..\/etc\/x"/);
  });

  it('refuses damaged headers and truncated archives', () => {
    const t = tarOf(entries);
    const damaged = Buffer.from(t);
    damaged[0] ^= 1;
    expect(() => readTar(damaged)).toThrow(/checksum mismatch/);
    expect(() => readTar(t.subarray(0, 512 * 5 + 5))).toThrow(/truncated/);
    expect(() => readTar(t.subarray(0, 512 * 4))).toThrow(/truncated/);
  });
});
