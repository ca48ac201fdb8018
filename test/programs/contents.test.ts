import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../manifest/load.js';
import { collectContents } from '../../programs/contents.js';
import { sha256 } from '../../lib/sha256.js';
import { tmpTree } from '../helpers/tmp.js';

const app = tmpTree({ 'main.c': '#include <zlib.h>\nint main(void) { return !zlibVersion(); }\n', 'conf/a.conf': 'a\n', 'conf/sub/b.conf': 'b\n', 'note.txt': 'hi\n' });
execFileSync('gcc', ['-o', join(app, 'prog'), join(app, 'main.c'), '-lz']);
const layout = { programGuest: '/app', libraryDir: '/usr/lib', provided: new Set(['libc.so.6', 'ld-linux-x86-64.so.2']) };
const hex = (s: string) => sha256().update(s).digest('hex');
const manifest = (files: string, dir = app) => parseManifest(`name: app\ntarget: osv\nprogram: prog\nfiles:\n${files}`, dir);

describe('collectContents', () => {
  it('holds the program, its libraries in the library dir (minus the provided) and every file, each hashed', async () => {
    const c = await collectContents(manifest('  /etc/app/: conf\n  /note: note.txt\n'), layout);
    expect(c.files.map((f) => [f.guest, f.role])).toEqual([
      ['/app', 'program'],
      ['/usr/lib/libz.so.1', 'library'],
      ['/etc/app/a.conf', 'file'],
      ['/etc/app/sub/b.conf', 'file'],
      ['/note', 'file'],
    ]);
    expect(c.files[1]).toMatchObject({ soname: 'libz.so.1', host: expect.stringMatching(/libz\.so\.1\.[0-9.]+$/) });
    expect(c.files[4]!.sha256).toBe(hex('hi\n'));
    expect(c.objects.map((o) => o.guest)).toEqual(['/app', '/usr/lib/libz.so.1']);
  });

  it('changes the hash of exactly the file that changed', async () => {
    const dir = tmpTree({ 'x.conf': 'one' });
    execFileSync('cp', [join(app, 'prog'), dir]);
    const before = await collectContents(manifest('  /x: x.conf\n', dir), layout);
    writeFileSync(join(dir, 'x.conf'), 'two');
    const after = await collectContents(manifest('  /x: x.conf\n', dir), layout);
    expect(after.files.filter((f, i) => f.sha256 !== before.files[i]!.sha256).map((f) => f.guest)).toEqual(['/x']);
  });

  it('refuses a link in an app directory that leads out of it, naming the file (exit 2)', async () => {
    const dir = tmpTree({ 'www/index.html': 'x' });
    execFileSync('cp', [join(app, 'prog'), dir]);
    symlinkSync('/etc/hostname', join(dir, 'www', 'leak'));
    await expect(collectContents(manifest('  /www/: www\n', dir), layout)).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringContaining('files["/www"]: leak: expected a path inside the app directory, found a symlink that leads out of it to /etc/hostname'),
    });
  });

  it('refuses a file name outside the plain alphabet, and a file at the program path', async () => {
    const dir = tmpTree({ 'www/a b.html': 'x' });
    execFileSync('cp', [join(app, 'prog'), dir]);
    mkdirSync(join(dir, 'www', 'ok'));
    await expect(collectContents(manifest('  /www/: www\n', dir), layout)).rejects.toThrow(/files\["\/www"\]: a b\.html: expected file names of letters/);
    await expect(collectContents(manifest('  /app: note.txt\n'), layout)).rejects.toThrow(/files\["\/app"\]: expected a guest path other than the program's \(\/app\)/);
  });

  it('refuses a program that is not an ELF executable', async () => {
    const dir = tmpTree({ prog: '#!/bin/sh\n' });
    await expect(collectContents(parseManifest('name: app\ntarget: osv\nprogram: prog\n', dir), layout)).rejects.toThrow(/program: expected an x86-64 ELF executable, found "prog"/);
  });
});
