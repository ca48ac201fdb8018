import { execFileSync } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cpioArchive } from '../../lib/cpio.js';
import { which } from '../../lib/which.js';
import { tmpTree } from '../helpers/tmp.js';

const files = [
  { path: 'etc/nginx/nginx.conf', data: Buffer.from('daemon off;\n'), mode: 0o100644 },
  { path: 'app/run.sh', data: Buffer.from('#!/bin/sh\n'), mode: 0o100755 },
  { path: 'empty', data: Buffer.alloc(0), mode: 0o100600 },
];

describe('cpioArchive (newc)', () => {
  const archive = cpioArchive(files);

  it('starts with the newc magic, pads to 4 bytes and ends with the trailer; the same files give the same bytes', () => {
    expect(archive.subarray(0, 6).toString()).toBe('070701');
    expect(archive.length % 4).toBe(0);
    expect(archive.includes(Buffer.from('TRAILER!!!\0'))).toBe(true);
    expect(cpioArchive([...files].reverse()).equals(archive)).toBe(true);
  });

  it('reads back, field by field, as a newc reader does: directories before their files, sizes and modes', () => {
    const seen: [string, number, number][] = [];
    for (let at = 0; ; ) {
      const field = (i: number) => parseInt(archive.toString('latin1', at + 6 + i * 8, at + 14 + i * 8), 16);
      const [mode, size, nameSize] = [field(1), field(6), field(11)];
      const name = archive.toString('latin1', at + 110, at + 110 + nameSize - 1);
      if (name === 'TRAILER!!!') break;
      const dataAt = at + 110 + nameSize + ((4 - ((110 + nameSize) % 4)) % 4);
      seen.push([name, mode, size]);
      if (name === 'etc/nginx/nginx.conf') expect(archive.toString('latin1', dataAt, dataAt + size)).toBe('daemon off;\n');
      at = dataAt + size + ((4 - (size % 4)) % 4);
    }
    expect(seen).toEqual([
      ['app', 0o40755, 0], ['etc', 0o40755, 0], ['etc/nginx', 0o40755, 0],
      ['app/run.sh', 0o100755, 10], ['empty', 0o100600, 0], ['etc/nginx/nginx.conf', 0o100644, 12],
    ]);
  });

  it.skipIf(!which('cpio'))('is read back by GNU cpio: parents first, contents and permission bits kept', () => {
    const dir = tmpTree();
    writeFileSync(join(dir, 'a.cpio'), archive);
    const list = execFileSync('cpio', ['-it', '--quiet', '-F', join(dir, 'a.cpio')], { encoding: 'utf8' }).trim().split('\n');
    expect(list).toEqual(['app', 'etc', 'etc/nginx', 'app/run.sh', 'empty', 'etc/nginx/nginx.conf']);
    execFileSync('cpio', ['-idm', '--quiet', '-F', join(dir, 'a.cpio')], { cwd: dir });
    expect(readFileSync(join(dir, 'etc/nginx/nginx.conf'), 'utf8')).toBe('daemon off;\n');
    expect(statSync(join(dir, 'app/run.sh')).mode & 0o777).toBe(0o755);
  });
});
