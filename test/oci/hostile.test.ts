import { execa } from 'execa';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { findCached, findImage, listImages, putImage, verifyImage } from '../../images/store.js';
import { layout } from '../../lib/home.js';
import { compileReady } from '../../lib/ready-pattern.js';
import { safeJson, shellQuote, terminalSafe } from '../../lib/terminal-text.js';
import { memorySource, readVerified } from '../../oci/layout.js';
import { pulledId, restoreImage } from '../../oci/restore.js';
import { readTar, TarError } from '../../oci/tar.js';
import { oneLine } from '../../cli/report-error.js';
import { tmpTree } from '../helpers/tmp.js';
import { storedFixture } from './fixtures.js';
import { craftLayout, pax, rawTar, type Craft } from './hostile-package.js';

/** Read a crafted layout as `unik pull` and `unik import` do, into store `l` (a fresh one by default). */
async function take(c: Craft, l = layout(tmpTree())) {
  const verified = await readVerified(memorySource(await craftLayout(c), 'REF'));
  return restoreImage(l, verified, 'REF');
}
const refused = async (c: Craft) => (await take(c).then(() => null, (e: unknown) => e)) as { message: string; exitCode: number } | null;

describe('item 1: a pull never replaces a local build or becomes its cache hit', () => {
  it('a pulled record claiming a local id and cache key is stored under its own id; the local image stays the hit', async () => {
    const { l, image: local } = await storedFixture({ kernel: 'the local kernel' });
    const pulled = await take({ record: (r) => ((r.id = local.id), (r.cacheKey = local.cacheKey), (r.name = local.name)) }, l);
    expect(pulled.id).not.toBe(local.id);
    expect(pulled.cacheKey).toBe('');
    expect(pulled.pulled?.digest).toMatch(/^sha256:/);
    expect(readFileSync(local.path, 'utf8')).toBe('the local kernel');
    expect(listImages(l).map((i) => i.id).sort()).toEqual([local.id, pulled.id].sort());
    expect((await findCached(l, local.cacheKey))?.id).toBe(local.id);
  });

  it('a pulled image alone is never a cache hit, whatever key it carried', async () => {
    const l = layout(tmpTree());
    await take({ record: (r) => (r.cacheKey = 'f'.repeat(64)) }, l);
    expect(await findCached(l, 'f'.repeat(64))).toBeNull();
  });

  it('a local build does not remove a pulled image of its name; the name is then ambiguous, listing both (24.4)', async () => {
    const l = layout(tmpTree());
    const pulled = await take({}, l);
    const built = tmpTree({ k: 'local' });
    const local = await putImage(l, join(built, 'k'), {}, { ...pulled, id: '0123456789ab', cacheKey: 'a'.repeat(64), appDir: '/app' } as never);
    expect(listImages(l)).toHaveLength(2);
    const err = (() => { try { findImage(l, 'hello-app'); } catch (e) { return e as { message: string; exitCode: number }; } return null; })();
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toBe(`image: expected a name that one image has, found "hello-app", which 2 have: ${listImages(l).map((i) => `${i.id} (unikraft qemu/x86_64, ${i.pulled ? 'pulled' : 'built here'})`).join(', ')}; name one by its id`);
    expect(findImage(l, local.id).id).toBe(local.id);
  });

  it('the pulled id is the manifest digest\'s, so the same image pulled twice is one image', async () => {
    const l = layout(tmpTree());
    const a = await take({}, l);
    const b = await take({}, l);
    expect(b.id).toBe(a.id);
    expect(a.id).toBe(pulledId(a.pulled!.digest));
  });
});

describe('item 12: storing an image again never leaves readers without its files', () => {
  it('while an image is stored again and again, its kernel is always there, whole', async () => {
    const { l, image } = await storedFixture({ kernel: 'K'.repeat(4096) });
    const src = tmpTree({ 'app_qemu-x86_64': 'K'.repeat(4096) });
    let stop = false;
    let misses = 0;
    let reads = 0;
    const reader = (async () => {
      while (!stop) {
        try {
          if (readFileSync(image.path, 'utf8').length !== 4096) misses++;
        } catch {
          misses++;
        }
        reads++;
        await new Promise((r) => setImmediate(r));
      }
    })();
    const { path: _p, files: _f, filesSha256: _s, sizeBytes: _b, sha256: _h, ...rec } = image;
    for (let i = 0; i < 30; i++) await putImage(l, join(src, 'app_qemu-x86_64'), {}, rec);
    stop = true;
    await reader;
    expect(reads).toBeGreaterThan(30);
    expect(misses).toBe(0);
  });

  it('pulling the same image again keeps the stored directory as it is (same inode)', async () => {
    const l = layout(tmpTree());
    const a = await take({}, l);
    const ino = statSync(a.path).ino;
    await take({}, l);
    expect(statSync(a.path).ino).toBe(ino);
  });
});

describe('items 6 and 15: every number in an archive is checked', () => {
  const kernel = Buffer.from('kernel');
  it.each([
    ['a negative PAX size', rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: '-512' }) }, { name: 'unik/kernel', type: '0', data: kernel }]), /the size "-512" is not a non-negative decimal number/],
    ['a negative PAX size that points back at its own header (the endless loop)', rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: '-1536' }) }, { name: 'unik/kernel', type: '0', data: kernel }]), /the size "-1536" is not a non-negative decimal number/],
    ['a non-numeric PAX size', rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: 'abc' }) }, { name: 'unik/kernel', type: '0', data: kernel }]), /the size "abc" is not a non-negative decimal number/],
    ['an exponent PAX size', rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: '1e3' }) }, { name: 'unik/kernel', type: '0', data: kernel }]), /the size "1e3"/],
    ['a PAX size beyond the archive', rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: '999999999999' }) }, { name: 'unik/kernel', type: '0', data: kernel }]), /truncated \(an entry of 999999999999 bytes/],
    ['a PAX record length of 0', rawTar([{ name: 'PaxHeader', type: 'x', data: Buffer.from('0 size=5\n') }, { name: 'unik/kernel', type: '0', data: kernel }]), /record length/],
    ['a PAX record length past its header', rawTar([{ name: 'PaxHeader', type: 'x', data: Buffer.from('90 size=5\n') }, { name: 'unik/kernel', type: '0', data: kernel }]), /record length/],
    ['a base-256 size', rawTar([{ name: 'unik/kernel', type: '0', size: '\x80\0\0\0\0\0\0\0\0\0\x10\0' }]), /base-256/],
    ['a non-octal size', rawTar([{ name: 'unik/kernel', type: '0', size: '-0000000001\0' }]), /size is not an octal number/],
  ])('%s is refused at once', (_n, tar, why) => {
    const t0 = performance.now();
    expect(() => readTar(tar)).toThrow(TarError);
    expect(() => readTar(tar)).toThrow(why);
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('through a pull: one line saying what is wrong with the layer (it said "kernel … found none")', async () => {
    const tar = rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: 'abc' }) }, { name: 'unik/kernel', type: '0', data: kernel }]);
    const err = await refused({ tar });
    expect(err?.message).toMatch(/^REF: expected a tar layer of files, found malformed PAX header: the size "abc" is not a non-negative decimal number$/);
  });
});

describe('item 7: a gzip bomb stops at the sizes the record declares', () => {
  it('a layer that expands to 1 GiB is refused without unpacking it (kernel declared as a few bytes)', async () => {
    const gig = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const blob = Buffer.concat(Array.from({ length: 16 }, () => gig));
    const rss0 = process.memoryUsage().rss;
    const t0 = performance.now();
    const err = await refused({ blob });
    expect(err?.message).toMatch(/^REF: the layer unpacks to more than the \d+ bytes its record declares \(kernel, files and tar headers\); refused, nothing stored$/);
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(process.memoryUsage().rss - rss0).toBeLessThan(200 * 1024 * 1024);
  });

  it('a record declaring a kernel larger than what it sends is still held to the sizes in the layer', async () => {
    const err = await refused({ record: (r) => (r.sizeBytes = 5) });
    expect(err?.message).toMatch(/kernel's size does not match its record|does not match the sha256/);
  });
});

describe('item 8: ready patterns cannot hang unik', () => {
  it('a catastrophically backtracking pattern matches in linear time', () => {
    const r = compileReady('(a+)+$');
    expect(r).toBeInstanceOf(RegExp);
    const t0 = performance.now();
    expect((r as RegExp).test(`${'a'.repeat(50_000)}b`)).toBe(false);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('patterns that cannot run in linear time, or are too long, are refused in a pulled record (exit 2)', async () => {
    for (const ready of ['(a)\\1', '(?<=a)b', 'x'.repeat(300)]) {
      const err = await refused({ record: (r) => (r.run.ready = ready) });
      expect(err?.exitCode).toBe(2);
      expect(err?.message).toMatch(/^REF: unik record run\.ready: expected a (regular expression without backreferences|pattern of at most 256)/);
    }
  });
});

describe('item 5: records are text a terminal shows as text; hints quote them', () => {
  it.each([
    ['a C1 CSI in the name', (r: any) => (r.drivers = ['x\u009b31m'])],
    ['a bidi override', (r: any) => (r.libraries = ['lib\u202egpj.exe'])],
    ['a bidi isolate in the cmdline', (r: any) => (r.run.cmdline = ['\u2066x'])],
    ['shell text in appDir', (r: any) => (r.appDir = '/tmp/x"; rm -rf ~; echo "')],
    ['a command substitution in appDir', (r: any) => (r.appDir = '/tmp/$(reboot)')],
    ['a newline in a source ref', (r: any) => (r.sources[0].ref = 'v1\nunik: all good')],
  ])('%s is refused at the pull (exit 2)', async (_n, change) => {
    const err = await refused({ record: change });
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(/^REF: unik record /);
  });

  it('what is printed is escaped, and a hint quotes a path for the shell', () => {
    expect(terminalSafe('a\u009b31mb\u202ec\x1b[2J')).toBe('a\\u009b31mb\\u202ec\\u001b[2J');
    const value = { name: 'x\u009by\u202ez', list: ['\u2066'] };
    const json = safeJson(value, 2);
    expect(json).not.toMatch(/[\u0080-\u009f\u202e\u2066]/);
    expect(JSON.parse(json)).toEqual(value);
    expect(oneLine(`x${'y'.repeat(5000)}z`).length).toBeLessThanOrEqual(600);
    expect(shellQuote('/work/app')).toBe('/work/app');
    expect(shellQuote(`/a b/it's"; rm -rf ~`)).toBe(`'/a b/it'\\''s"; rm -rf ~'`);
  });

  it('a damaged pulled image says to pull it again, never "unik build <its appDir>"', async () => {
    const l = layout(tmpTree());
    const img = await take({}, l);
    writeFileSync(img.path, 'garbled');
    await expect(verifyImage(img)).rejects.toThrow(new RegExp(`remove it with "unik rmi ${img.id}" and pull it again$`));
  });
});

describe('items 13 and 14: records that cannot run, or reach for the host, are refused at the pull', () => {
  it.each([
    ['target __proto__', (r: any) => (r.target = '__proto__'), 'target: expected unikraft, mirage, osv'],
    ['target toString', (r: any) => (r.target = 'toString'), 'target: expected'],
    ['60,000 ports', (r: any) => (r.run.devices.net = { ports: Array.from({ length: 60_000 }, (_, i) => ({ host: (i % 65535) + 1, guest: 80, protocol: 'tcp' })), guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24 }), 'run.devices.net.ports: expected a list of at most 64 ports'],
    ['one host port twice', (r: any) => (r.run.devices.net = { ports: [{ host: 22, guest: 80, protocol: 'tcp' }, { host: 22, guest: 81, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24 }), 'run.devices.net.ports: expected each host port once'],
    ['patches that are not a list', (r: any) => (r.patches = 'x'), 'patches: expected a list'],
  ])('%s (one line, exit 2)', async (_n, change, msg) => {
    const err = await refused({ record: change });
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(/^REF: unik record /);
    expect(err?.message).toContain(msg);
  });

  it('an OSv image without its disk is refused', async () => {
    const err = await refused({ target: 'osv', platform: 'qemu/x86_64', record: (r) => ((r.files = {}), (r.filesSha256 = {}), delete r.filesBytes) });
    expect(err?.message).toBe('REF: unik record files: expected a disk for an OSv rofs image');
  });

  it('host ports an image declares are not published: only -p at run time does that', async () => {
    const img = await take({ record: (r) => (r.run.devices.net = { ports: [{ host: 22, guest: 22, protocol: 'tcp' }, { host: 5432, guest: 5432, protocol: 'tcp' }], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24 }) });
    expect(img.run.devices.net?.ports).toEqual([]);
  });

  it('a store record with target __proto__ is an unusable entry, not a crash', async () => {
    const { l, image } = await storedFixture();
    const rec = JSON.parse(readFileSync(join(l.images, image.id, 'record.json'), 'utf8'));
    writeFileSync(join(l.images, image.id, 'record.json'), JSON.stringify({ ...rec, target: '__proto__' }));
    expect(() => findImage(l, image.id)).toThrow(/its target "__proto__" is not one of unikraft, mirage, osv/);
  });
});

describe('item 15: messages stay one accurate, bounded line', () => {
  it('a 100-layer manifest', async () => {
    const err = await refused({ manifest: (m) => (m.layers = Array.from({ length: 100 }, () => m.layers[0])) });
    expect(err?.message).toBe('REF: expected one tar or tar+gzip layer, found application/vnd.oci.image.layer.v1.tar+gzip, application/vnd.oci.image.layer.v1.tar+gzip, application/vnd.oci.image.layer.v1.tar+gzip and 97 more (100 in all)');
  });

  it('descriptors that are not objects are bad input, not internal errors', async () => {
    for (const change of [(m: any) => (m.layers = [null]), (m: any) => (m.config = null), (m: any) => (m.layers = 'x')]) {
      const err = await refused({ manifest: change });
      expect(err?.exitCode, String(err?.message)).toBe(2);
      expect(err?.message).toMatch(/^REF: expected /);
    }
    const files = await craftLayout({});
    files.set('index.json', Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [null] })));
    await expect(readVerified(memorySource(files, 'REF'))).rejects.toThrow('REF: expected an OCI index of descriptors, found an entry that is not one');
  });

  it('a malformed config digest says so (it said "not found")', async () => {
    const err = await refused({ manifest: (m) => (m.config.digest = `sha256:${'Z'.repeat(5000)}`) });
    expect(err?.exitCode).toBe(2);
    expect(err?.message).toMatch(/^REF: expected a sha256 digest \(sha256: and 64 hex digits\) for the config, found "sha256:Z+\.\.\."$/);
    expect(err!.message.length).toBeLessThan(200);
  });
});

describe('item 10: scratch never outlives its process', () => {
  it('a scratch directory goes on SIGINT, SIGTERM and SIGHUP; one a SIGKILLed process left is swept at the next store write', async () => {
    const l = layout(tmpTree());
    mkdirSync(l.images, { recursive: true });
    // The real lib/exit-cleanup.ts, as the child runs it.
    const { buildSync } = await import('esbuild');
    const module = join(tmpTree(), 'exit-cleanup.mjs');
    buildSync({ entryPoints: ['lib/exit-cleanup.ts'], bundle: true, platform: 'node', format: 'esm', outfile: module, logLevel: 'silent' });
    const script = `
      const { removeOnExit } = await import(${JSON.stringify(module)});
      const fs = await import('node:fs');
      const dir = ${JSON.stringify(l.images)} + '/.pull.tmp-' + process.pid + '-abc-def';
      fs.mkdirSync(dir); fs.writeFileSync(dir + '/layer', 'partial'); removeOnExit(dir);
      console.log(dir); setInterval(() => {}, 1000);`;
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGKILL'] as const) {
      const child = execa(process.execPath, ['--input-type=module', '-e', script], { reject: false, buffer: false });
      const dir = await new Promise<string>((r) => child.stdout!.once('data', (d: Buffer) => r(d.toString().trim())));
      expect(existsSync(dir)).toBe(true);
      child.kill(sig);
      await child;
      expect(existsSync(dir), sig).toBe(sig === 'SIGKILL');
    }
    const src = tmpTree({ k: 'x' });
    const { image } = await storedFixture();
    await putImage(l, join(src, 'k'), {}, { ...image, id: 'bbbbbbbbbbbb' } as never);
    expect(readdirSync(l.images).filter((f) => f.startsWith('.pull.tmp-'))).toEqual([]);
  });
});
