import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UnikError } from '../../lib/errors.js';
import { parseManifest } from '../../manifest/load.js';
import { tmpTree } from '../helpers/tmp.js';

const app = tmpTree({ 'main.c': 'int main(void){return 0;}\n', 'disk.img': '', 'sub/x.c': '' });
mkdirSync(join(app, 'shared'));
// An untrusted repo's links out of the app directory (item 1 of the hardening issue), and one that stays inside.
const outside = tmpTree({ 'secret.c': 'int leaked;\n', 'host.img': 'host disk', 'etc/hostname': 'host\n' });
symlinkSync(join(outside, 'etc'), join(app, 'www'));
symlinkSync('/', join(app, 'root'));
symlinkSync(join(outside, 'host.img'), join(app, 'linked.img'));
symlinkSync(join(outside, 'secret.c'), join(app, 'linked.c'));
symlinkSync(outside, join(app, 'vendor'));
symlinkSync('main.c', join(app, 'alias.c'));

const base = `name: hello\ntarget: unikraft\nsources: [main.c]\n`;

function errorOf(yaml: string): UnikError {
  try {
    parseManifest(yaml, app);
  } catch (e) {
    return e as UnikError;
  }
  throw new Error('expected the manifest to be rejected');
}

describe('parseManifest accepts', () => {
  it('a console-only manifest with defaults', () => {
    const m = parseManifest(base, app);
    expect(m).toMatchObject({ name: 'hello', target: 'unikraft', cmdline: [], devices: { block: [], share: [] } });
    expect(m.sources).toEqual([join(app, 'main.c')]);
    expect(m.devices.net).toBeUndefined();
  });

  it('every device kind, memory and ready', () => {
    const m = parseManifest(
      base +
        `memory: 1G\nready: "^listening"\ncmdline: [a, "b c"]\n` +
        `devices:\n  net: {ports: ["8080:80", "8081:80", "5353:53/udp"]}\n  block: [{name: data, file: disk.img}]\n  share: [{source: shared, dest: /srv}]\n`,
      app,
    );
    expect(m.memoryMiB).toBe(1024);
    expect(m.devices.net!.ports).toEqual([
      { host: 8080, guest: 80, protocol: 'tcp' },
      { host: 8081, guest: 80, protocol: 'tcp' },
      { host: 5353, guest: 53, protocol: 'udp' },
    ]);
    expect(m.devices.block).toEqual([{ name: 'data', file: join(app, 'disk.img') }]);
    expect(m.devices.share).toEqual([{ source: join(app, 'shared'), dest: '/srv' }]);
  });
});

// Each bad input must name the offending field in ONE line and carry exit code 2.
const bad: [string, string, string][] = [
  ['YAML syntax error', 'name: [unclosed\n', 'expected valid YAML'],
  ['top level is a list', '- a\n- b\n', '(top level)'],
  ['missing name', 'target: unikraft\nsources: [main.c]\n', 'name: expected a value'],
  ['unsafe name (shell chars)', 'name: "a;rm -rf /"\ntarget: unikraft\nsources: [main.c]\n', 'name: expected a name'],
  ['uppercase name', 'name: Hello\ntarget: unikraft\nsources: [main.c]\n', 'name: expected'],
  ['unknown target', 'name: a\ntarget: xen\nsources: [main.c]\n', 'target: expected one of unikraft, mirage, osv'],
  ['missing sources', 'name: a\ntarget: unikraft\n', 'sources: expected a value'],
  ['empty sources', 'name: a\ntarget: unikraft\nsources: []\n', 'sources: expected a non-empty list'],
  ['missing source file', 'name: a\ntarget: unikraft\nsources: [nope.c]\n', 'sources[0]: expected an existing file'],
  ['source escaping via ..', 'name: a\ntarget: unikraft\nsources: [sub/../../x.c]\n', 'sources[0]: expected a path inside the app directory'],
  ['absolute source path', 'name: a\ntarget: unikraft\nsources: [/etc/passwd]\n', 'sources[0]: expected a relative path'],
  ['source is a directory', 'name: a\ntarget: unikraft\nsources: [sub]\n', 'sources[0]: expected a file'],
  ['duplicate source', 'name: a\ntarget: unikraft\nsources: [main.c, main.c]\n', 'sources[1]: expected each source listed once'],
  ['unknown key', base + 'nmae: x\n', 'nmae: expected one of the known keys'],
  ['memory with a unit typo', base + 'memory: 16MB\n', 'memory: expected a size like 16M'],
  ['memory too small', base + 'memory: 1K\n', 'memory: expected a whole number of MiB'],
  ['memory too big', base + 'memory: 64G\n', 'memory: expected a whole number of MiB'],
  ['cmdline not a list', base + 'cmdline: "a b"\n', 'cmdline: expected a list of strings'],
  ['cmdline with a quote', base + 'cmdline: [\'say "hi"\']\n', 'cmdline[0]: expected a string without control characters'],
  ['port without guest', base + 'devices:\n  net: {ports: ["80"]}\n', 'devices.net.ports[0]: expected "HOST:GUEST"'],
  ['port out of range', base + 'devices:\n  net: {ports: ["8080:70000"]}\n', 'devices.net.ports[0]: expected "HOST:GUEST" with ports 1-65535'],
  ['host port published twice', base + 'devices:\n  net: {ports: ["8080:80", "8080:81"]}\n', 'devices.net.ports[1]: expected each host port published once'],
  ['unknown device kind', base + 'devices:\n  usb: {}\n', 'devices.usb: expected one of the known keys (net, block, share)'],
  ['unsafe block name', base + 'devices:\n  block: [{name: "Data-1", file: disk.img}]\n', 'devices.block[0].name: expected a name'],
  ['block without file', base + 'devices:\n  block: [{name: data}]\n', 'devices.block[0].file: expected a value'],
  ['missing block file', base + 'devices:\n  block: [{name: data, file: none.img}]\n', 'devices.block[0].file: expected an existing file'],
  ['share source is a file', base + 'devices:\n  share: [{source: main.c, dest: /x}]\n', 'devices.share[0].source: expected a directory'],
  ['relative share dest', base + 'devices:\n  share: [{source: shared, dest: srv}]\n', 'devices.share[0].dest: expected an absolute guest path'],
  ['share on /', base + 'devices:\n  share: [{source: shared, dest: /}]\n', 'devices.share[0].dest: expected an absolute guest directory other than /'],
  ['invalid ready regex', base + 'ready: "(unclosed"\n', 'ready: expected a valid regular expression'],
  ['platform of another target', base + 'platform: spt\n', 'platform: expected one of qemu/x86_64 for target unikraft'],
  ['fs on a non-OSv target', base + 'fs: rofs\n', 'fs: expected no fs key'],
  ['source that is a symlink out of the app', base.replace('[main.c]', '[linked.c]'), 'sources[0]: expected a path inside the app directory, found "linked.c", a symlink that leads out of it'],
  ['source under a symlinked directory', base.replace('[main.c]', '[vendor/secret.c]'), 'sources[0]: expected a path inside the app directory, found "vendor/secret.c", a symlink'],
  ['share source linked to /etc', base + 'devices:\n  share: [{source: www, dest: /www}]\n', 'devices.share[0].source: expected a path inside the app directory, found "www", a symlink that leads out of it'],
  ['share source linked to /', base + 'devices:\n  share: [{source: root, dest: /host}]\n', 'devices.share[0].source: expected a path inside the app directory, found "root", a symlink that leads out of it to /'],
  ['share source inside a link to /', base + 'devices:\n  share: [{source: root/etc, dest: /host}]\n', 'devices.share[0].source: expected a path inside the app directory'],
  ['block file linked to a host file', base + 'devices:\n  block: [{name: data, file: linked.img}]\n', 'devices.block[0].file: expected a path inside the app directory, found "linked.img", a symlink'],
  ['the same source twice through a link', base.replace('[main.c]', '[main.c, alias.c]'), 'sources[1]: expected each source listed once'],
  ['share dest of 10,000 characters', base + `devices:\n  share: [{source: shared, dest: /${'a'.repeat(9999)}}]\n`, 'devices.share[0].dest: expected an absolute guest directory other than /'],
  ['share dest "/."', base + 'devices:\n  share: [{source: shared, dest: /.}]\n', 'devices.share[0].dest: expected an absolute guest directory other than /'],
  ['share dest "//"', base + 'devices:\n  share: [{source: shared, dest: //}]\n', 'devices.share[0].dest: expected an absolute guest directory other than /'],
  ['share dests equal once normalised', base + 'devices:\n  share: [{source: shared, dest: /www}, {source: sub, dest: //www/.}]\n', 'devices.share[1].dest: expected a guest path used once (/www is already a share)'],
  ['packages on a non-MirageOS target', base + 'packages: [duration]\n', 'packages: expected no packages key (it applies to target mirage only)'],
  ['a package name that could break out of config.ml', base.replace('unikraft', 'mirage') + 'packages: ["a\\"b"]\n', 'packages[0]: expected an OCaml package name'],
  ['a package listed twice', base.replace('unikraft', 'mirage') + 'packages: [duration, duration]\n', 'packages: expected a list of OCaml package names, each once'],
  ['name of wrong type', 'name: 5\ntarget: unikraft\nsources: [main.c]\n', 'name: expected a name of 1-40 lowercase letters, digits and \'-\', starting with a letter, found number 5'],
];

describe('parseManifest resolves paths', () => {
  it('to their real paths: a link that stays inside the app is fine, and the build sees where it leads', () => {
    const m = parseManifest(base.replace('[main.c]', '[alias.c]') + 'devices:\n  share: [{source: shared, dest: //www/./}]\n', app);
    expect(m.sources).toEqual([join(app, 'main.c')]);
    expect(m.devices.share).toEqual([{ source: join(app, 'shared'), dest: '/www' }]);
  });
});

describe('parseManifest rejects', () => {
  it.each(bad)('%s', (_label, yaml, expected) => {
    const e = errorOf(yaml);
    expect(e).toBeInstanceOf(UnikError);
    expect(e.exitCode).toBe(2);
    expect(e.message).not.toContain('\n');
    expect(e.message).toContain('unik.yaml');
    expect(e.message).toContain(expected);
  });

  it('has at least 15 distinct bad inputs', () => {
    expect(new Set(bad.map((b) => b[1])).size).toBeGreaterThanOrEqual(15);
  });
});
