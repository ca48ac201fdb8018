import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { UnikError } from '../../lib/errors.js';
import { parseManifest } from '../../manifest/load.js';
import { tmpTree } from '../helpers/tmp.js';

const app = tmpTree({ 'prog': '\x7fELF', 'nginx.conf': 'daemon off;\n', 'www/index.html': 'hi\n', 'main.c': '' });
const outside = tmpTree({ 'secret': 'key\n' });
symlinkSync(join(outside, 'secret'), join(app, 'linked'));
symlinkSync(outside, join(app, 'vendor'));
mkdirSync(join(app, 'empty'));

const osv = (rest: string) => `name: p\ntarget: osv\n${rest}`;

/** The error parseManifest raises for `yaml` (the test fails if it raises none). */
const errorOf = (yaml: string): UnikError => {
  let caught: unknown = null;
  try {
    parseManifest(yaml, app);
  } catch (e) {
    caught = e;
  }
  expect(caught, 'the manifest should be rejected').not.toBeNull();
  return caught as UnikError;
};

describe('program, files, env and fork in unik.yaml', () => {
  it('takes a host program by absolute path (its real path), files by guest path, env and fork: unused', () => {
    const m = parseManifest(osv('program: /bin/sh\nfork: unused\nfiles:\n  /etc/nginx/nginx.conf: nginx.conf\n  /srv/www/: www/\nenv: {LANG: C.UTF-8, A_1: "x y"}\n'), app);
    expect(m.program?.given).toBe('/bin/sh');
    expect(m.program?.path).toMatch(/^\/(usr\/)?bin\/(dash|bash|sh)$/);
    expect(m.sources).toEqual([]);
    expect(m.files).toEqual([
      { guest: '/etc/nginx/nginx.conf', host: join(app, 'nginx.conf'), dir: false, fromHost: false },
      { guest: '/srv/www', host: join(app, 'www'), dir: true, fromHost: false },
    ]);
    expect(m.env).toEqual({ LANG: 'C.UTF-8', A_1: 'x y' });
    expect(m.forkUnused).toBe(true);
  });

  it('takes a program inside the app directory and files on a sources app, with no env', () => {
    const m = parseManifest(osv('program: prog\n'), app);
    expect(m.program).toEqual({ path: join(app, 'prog'), given: 'prog' });
    expect(parseManifest(osv('sources: [main.c]\nfiles: {/etc/x: /etc/hostname}\n'), app).files[0]).toMatchObject({ guest: '/etc/x', fromHost: true });
    expect(parseManifest(osv('sources: [main.c]\n'), app)).toMatchObject({ files: [], env: {}, forkUnused: false });
  });

  it.each([
    ['neither sources nor program', osv(''), 'sources: expected a value (the key is required unless program names an executable), found none'],
    ['both', osv('sources: [main.c]\nprogram: prog\n'), 'program: expected either program or sources, not both, found "prog"'],
    ['a program that escapes the app directory', osv('program: ../x\n'), 'program: expected a path inside the app directory, found "../x", which escapes it'],
    ['a program linked out of the app', osv('program: linked\n'), 'program: expected a path inside the app directory, found "linked", a symlink that leads out of it'],
    ['a host program that does not exist', osv('program: /no/such/exe\n'), 'program: expected an existing file, found "/no/such/exe", which does not exist'],
    ['a host directory as program', osv('program: /usr\n'), 'program: expected a file, found "/usr", which is not one'],
    ['a file under a linked directory', osv('program: prog\nfiles: {/k: vendor/secret}\n'), 'files["/k"]: expected a path inside the app directory, found "vendor/secret", a symlink'],
    ['a relative guest path', osv('program: prog\nfiles: {etc/x: nginx.conf}\n'), 'files["etc/x"]: expected an absolute guest path'],
    ['a guest path with ..', osv('program: prog\nfiles: {/etc/../x: nginx.conf}\n'), 'files["/etc/../x"]: expected an absolute guest path'],
    ['a kernel tree', osv('program: prog\nfiles: {/proc/x: nginx.conf}\n'), 'files["/proc/x"]: expected a guest path outside /dev, /proc, /sys'],
    ['a guest path twice', osv('program: prog\nfiles: {/a: nginx.conf, /a/: www}\n'), 'files["/a/"]: expected each guest path once, found /a again'],
    ['a shell-hostile host path', osv('program: prog\nfiles: {/a: "x;y"}\n'), 'files./a: expected a host file or directory'],
    ['an env name with a dash', osv('program: prog\nenv: {A-B: x}\n'), 'env["A-B"]: expected a variable name'],
    ['an env value with a quote', osv('program: prog\nenv: {A: "x\\"y"}\n'), 'env.A: expected a string without control characters, double quotes or backslashes'],
    ['fork with another value', osv('program: prog\nfork: yes\n'), 'fork: expected unused'],
    ['an unresolved entry that is no symbol', osv('program: prog\nunresolved: ["a b"]\n'), 'unresolved[0]: expected a symbol name'],
    ['program on mirage', 'name: p\ntarget: mirage\nprogram: prog\n', 'program: expected no program key (program is supported on target osv, unikraft, not mirage), found "prog"'],
    ['fork on unikraft', 'name: p\ntarget: unikraft\nprogram: prog\nfork: unused\n', 'fork: expected no fork key (fork is supported on target osv, not unikraft), found "unused"'],
    ['env on mirage', 'name: p\ntarget: mirage\nsources: [main.c]\nenv: {A: b}\n', 'env: expected no env key (env is supported on target osv, unikraft, not mirage), found a env map'],
  ])('refuses %s in one line naming the field (exit 2)', (_what, yaml, message) => {
    const e = errorOf(yaml);
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain(`unik.yaml: ${message}`);
  });
});
