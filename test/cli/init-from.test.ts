import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadManifest } from '../../manifest/load.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const fixture = (name: string) => {
  const dir = join(tmpTree(), name);
  cpSync(join(ROOT, 'test', 'fixtures', 'importers', name), dir, { recursive: true });
  return dir;
};

describe('unik init --from', () => {
  it('writes unik.yaml beside a Kraftfile and prints, line by line, what it translated and what it could not', async () => {
    const dir = fixture('kraft-hello');
    const res = await unik(['init', '--from', dir]);
    expect(res.exitCode, res.stderr).toBe(0);
    // A source compiled only under a Kconfig option may be one the app needs: a warning, first, and no promise of a build.
    expect(res.stdout).toMatch(/^warning: 1 construct\(s\) left out may make the build or the run fail:\n  Makefile\.uk:3  APPKRAFTHELLO_SRCS-\$\(CONFIG_APPKRAFTHELLO_EXTRA\): .*\nwrote .*unik\.yaml from Kraftfile \(target unikraft\)\ntranslated:\n/);
    expect(res.stdout).not.toContain('next: unik build');
    expect(res.stdout).toMatch(/then, once the warnings above are dealt with: unik build .*$/);
    expect(res.stdout).toContain('  Kraftfile:1  specification: v0.5: read as Kraftfile spec v0.5\n');
    expect(res.stdout).toMatch(/not translated:\n(.*\n)*  Kraftfile:7  target xen\/x86_64: skipped: unik runs Unikraft on qemu\/x86_64 only\n/);
    expect(loadManifest(dir)).toMatchObject({ name: 'kraft-hello', target: 'unikraft', sources: [join(dir, 'hello.c')] });
  });

  it('--json gives the manifest and both lists; --name overrides the project\'s name', async () => {
    const dir = fixture('osv-capstan');
    const res = await unik(['init', '--from', dir, '--name', 'count', '--json']);
    expect(res.exitCode, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j).toMatchObject({ format: 'osv-module', from: 'Capstanfile', manifest: { name: 'count', target: 'osv', sources: ['countdown.c'], cmdline: ['3'] } });
    expect(j.untranslated).toEqual([expect.objectContaining({ file: 'Capstanfile', line: 5, construct: 'build: make' })]);
  });

  it('never overwrites without --force; --force replaces the file atomically', async () => {
    const dir = fixture('mirage-http');
    writeFileSync(join(dir, 'unik.yaml'), 'name: mine\n');
    const refused = await unik(['init', '--from', dir]);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/unik\.yaml: expected no existing file \(init never overwrites; pass --force to replace it\), found one/);
    expect(readFileSync(join(dir, 'unik.yaml'), 'utf8')).toBe('name: mine\n');
    const forced = await unik(['init', '--from', dir, '--force']);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(loadManifest(dir)).toMatchObject({ name: 'mirage-http', target: 'mirage', platform: 'virtio' });
  });

  it('untranslatable input: one line naming file, line and construct, exit 2, nothing written', async () => {
    const dir = fixture('kraft-http');
    const kraftfile = readFileSync(join(dir, 'Kraftfile'), 'utf8').replace('CONFIG_LWIP_DHCP: "y"', 'CONFIG_LWIP_DHCP: "y"\n      CONFIG_LIBVIRTIO_MMIO: "y"');
    writeFileSync(join(dir, 'Kraftfile'), kraftfile);
    const before = readdirSync(dir).sort();
    const res = await unik(['init', '--from', dir]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe('unik: Kraftfile:20: CONFIG_LIBVIRTIO_MMIO=y: adds a driver unik does not model (unik drives the console, virtio-net, virtio-blk and virtio-9p on QEMU x86_64)');
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, 'unik.yaml'))).toBe(false);
  });

  it('what it knows will not build is refused up front (exit 2, the reason), not left to fail in unik build', async () => {
    const dir = fixture('kraft-hello');
    writeFileSync(join(dir, 'Kraftfile'), `${readFileSync(join(dir, 'Kraftfile'), 'utf8')}libraries:\n  sqlite: stable\n`);
    const res = await unik(['init', '--from', dir]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/^unik: Kraftfile:10: library sqlite: unik has no pinned lib-sqlite .*would not compile$/);
    expect(existsSync(join(dir, 'unik.yaml'))).toBe(false);
  });

  it('a clean translation promises the build: next: unik build', async () => {
    const res = await unik(['init', '--from', fixture('osv-capstan')]);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/^wrote /);
    expect(res.stdout).toMatch(/next: unik build .* && unik run .*$/);
  });

  it('refuses --target with --from, and a directory in no known format (exit 2)', async () => {
    const dir = fixture('kraft-hello');
    expect((await unik(['init', '--from', dir, '--target', 'osv'])).stderr).toContain('--target: expected no --target with --from');
    const empty = tmpTree({ 'main.c': '' });
    const res = await unik(['init', '--from', empty]);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(/expected a Kraftfile, a MirageOS config\.ml or an OSv module .*found none/);
  });
});
