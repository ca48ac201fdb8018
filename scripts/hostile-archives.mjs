#!/usr/bin/env node
// Measures how unik handles hostile archives (issue 23): wall time, peak RSS and the exit of `unik import` /
// `unik build` on crafted inputs, each run capped (timeout 10 s, 4 GiB of address space) so a "before" run on
// older code cannot take the machine. Usage: node scripts/hostile-archives.mjs [CLI ...]  (default: this tree's
// dist/cli/main.cjs; give /work/main/dist/cli/main.cjs too for a before/after table).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const clis = process.argv.slice(2).length ? process.argv.slice(2) : [join(ROOT, 'dist', 'cli', 'main.cjs')];
const work = mkdtempSync(join(tmpdir(), 'unik-hostile-'));
const sha = (b) => createHash('sha256').update(b).digest('hex');

/** One ustar header + data; `size` may be any 12-byte field (to write what no honest tar writer does). */
function entry(name, data = Buffer.alloc(0), type = '0', size) {
  const h = Buffer.alloc(512);
  h.write(name, 0, 100, 'utf8');
  h.write('0000644\0', 100);
  h.write('0000000\0', 108);
  h.write('0000000\0', 116);
  h.write(size ?? data.length.toString(8).padStart(11, '0') + '\0', 124, 'latin1');
  h.write('00000000000\0', 136);
  h.write('        ', 148);
  h.write(type, 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148);
  return Buffer.concat([h, data, Buffer.alloc((512 - (data.length % 512)) % 512)]);
}
const tar = (entries) => Buffer.concat([...entries, Buffer.alloc(1024)]);
const paxBody = (k, v) => {
  const body = ` ${k}=${v}\n`;
  let len = body.length + 2;
  while (String(len).length + body.length !== len) len = String(len).length + body.length;
  return Buffer.from(`${len}${body}`);
};

/** A unik record as unik writes it, changed by `change`. */
function record(kernel, change = () => {}) {
  const r = {
    id: 'a1b2c3d4e5f6', name: 'hostile', target: 'unikraft', platform: 'qemu/x86_64', path: 'kernel', files: {}, filesSha256: {},
    sizeBytes: kernel.length, sha256: sha(kernel), drivers: [], libraries: [], buildSeconds: 1, sources: [], patches: [], frameworkVersion: null,
    createdAt: '2026-12-01T00:00:00.000Z', appDir: '/work/app', cacheKey: '', bootSettings: {},
    run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: [], memoryMiB: 8, ready: null },
  };
  change(r);
  return r;
}

/** An OCI layout archive (what `unik export` writes) around one layer blob. */
function archive(rec, layerBlob, diffId) {
  const blobs = new Map();
  const put = (b) => (blobs.set(sha(b), b), { digest: `sha256:${sha(b)}`, size: b.length });
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { 'dev.unik.image': JSON.stringify({ format: 1, record: rec }) } }, rootfs: { type: 'layers', diff_ids: [`sha256:${diffId}`] } }));
  const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...put(config) }, layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', ...put(layerBlob) }] }));
  const m = put(manifest);
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...m }] }));
  return tar([entry('blobs/', undefined, '5'), entry('blobs/sha256/', undefined, '5'), entry('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}')), entry('index.json', index), ...[...blobs].map(([h, b]) => entry(`blobs/sha256/${h}`, b))]);
}
const layerArchive = (layerTar, change) => archive(record(Buffer.from('kernel'), change), gzipSync(layerTar), sha(layerTar));

function cases() {
  const kernel = Buffer.from('kernel');
  // 20 GiB of zeros as 320 gzip members of 64 MiB each (gunzip reads concatenated members as one stream): ~21 MB.
  const member = gzipSync(Buffer.alloc(64 * 1024 * 1024), { level: 9 });
  const bomb = Buffer.concat(Array.from({ length: 320 }, () => member));
  const out = [
    ['7', 'gzip layer expanding to 20 GiB', archive(record(kernel), bomb, '0'.repeat(64))],
    ['7', 'the same 20 GiB layer, its record declaring a 32 MiB kernel (the inflate cap, not the download cap)', archive(record(kernel, (r) => (r.sizeBytes = 32 * 1024 * 1024)), bomb, '0'.repeat(64))],
    // -1536 sends the reader back to the PAX header itself, which applies the size again: the loop the issue saw.
    ['6', 'negative PAX size (a 2 KB layer)', layerArchive(tar([entry('PaxHeader', paxBody('size', '-1536'), 'x'), entry('unik/kernel', kernel)]))],
    ['6/15', 'non-numeric PAX size', layerArchive(tar([entry('PaxHeader', paxBody('size', 'abc'), 'x'), entry('unik/kernel', kernel)]))],
    ['14', 'record with 60,000 ports', layerArchive(tar([entry('unik/', undefined, '5'), entry('unik/kernel', kernel)]), (r) => (r.run.devices.net = { ports: Array.from({ length: 60000 }, (_, i) => ({ host: (i % 65535) + 1, guest: 80, protocol: 'tcp' })), guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' }))],
    ['13', 'record with target "__proto__"', layerArchive(tar([entry('unik/', undefined, '5'), entry('unik/kernel', kernel)]), (r) => (r.target = '__proto__'))],
    ['5', 'record with U+009B and U+202E', layerArchive(tar([entry('unik/', undefined, '5'), entry('unik/kernel', kernel)]), (r) => (r.drivers = ['\u009b2J\u202eevil']))],
  ];
  return out.map(([item, what, data]) => {
    const file = join(work, `${item.replace('/', '-')}-${what.replace(/\W+/g, '-')}.tar`);
    writeFileSync(file, data);
    return { item, what, args: ['import', file], bytes: data.length };
  });
}

/** The YAML alias bomb as a unik.yaml (issue 23 item 13), through `unik build`. */
function yamlBomb() {
  const dir = join(work, 'bomb-app');
  mkdirSync(dir, { recursive: true });
  const lines = ['name: bomb', 'target: unikraft', 'sources: [main.c]', 'x0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i < 10; i++) lines.push(`x${i}: &a${i} [${Array(9).fill(`*a${i - 1}`).join(',')}]`);
  writeFileSync(join(dir, 'unik.yaml'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'main.c'), 'int main(void){return 0;}\n');
  return { item: '13', what: 'YAML alias bomb (9^10 nodes) in unik.yaml', args: ['build', dir], bytes: 0 };
}

/** One capped run: wall seconds, peak RSS (MiB) from GNU time, exit code, the first line it printed. */
function measure(cli, args) {
  const home = mkdtempSync(join(work, 'home-'));
  // time outermost: its rusage covers the capped run even when timeout kills it.
  const res = spawnSync('/usr/bin/time', ['-f', 'TIME %e %M %x', 'timeout', '10', 'prlimit', `--as=${4 * 1024 ** 3}`, process.execPath, cli, ...args], { env: { ...process.env, UNIK_HOME: home }, encoding: 'utf8', maxBuffer: 64 << 20 });
  const m = /TIME ([\d.]+) (\d+) (\d+)/.exec(res.stderr);
  rmSync(home, { recursive: true, force: true });
  const line = res.stderr.split('\n').find((l) => l.startsWith('unik:')) ?? res.stderr.split('\n').find((l) => /Error|error|Killed/.test(l)) ?? '';
  return {
    exit: m?.[3] === '124' ? 'timeout (10 s)' : String(m?.[3] ?? res.status),
    wall: m ? Number(m[1]) : 10,
    rssMiB: m ? Math.round(Number(m[2]) / 1024) : null,
    says: line.replace(/\/tmp\/unik-hostile-[^ ]*\//g, '').slice(0, 110),
  };
}

/** Item 8 on its own: a ready pattern against 30 'a's and a 'b', backtracking vs the linear engine. */
function readyPattern() {
  const run = (flag) => {
    const code = `${flag ? "require('v8').setFlagsFromString('--enable-experimental-regexp-engine');" : ''}const r=new RegExp('(a+)+$','${flag}');const t=process.hrtime.bigint();r.test('a'.repeat(30)+'b');console.log(Number(process.hrtime.bigint()-t)/1e6)`;
    const res = spawnSync('timeout', ['10', process.execPath, '-e', code], { encoding: 'utf8' });
    return res.status === 124 ? 'timeout (10 s)' : `${Number(res.stdout).toFixed(2)} ms`;
  };
  return { backtracking: run(''), linear: run('l') };
}

console.log(`load average ${loadavg().map((x) => x.toFixed(2)).join(' ')}; node ${process.version}`);
const floor = measure(join(ROOT, 'scripts', 'noop.cjs'), []);
console.log(`baseline: node running an empty script: wall ${floor.wall.toFixed(2)} s, peak RSS ${floor.rssMiB} MiB`);
// ONLY=REGEX runs the cases whose item or description matches.
const all = [...cases(), yamlBomb()].filter((c) => !process.env.ONLY || new RegExp(process.env.ONLY).test(`${c.item} ${c.what}`));
for (const c of all) {
  console.log(`\nitem ${c.item}: ${c.what}${c.bytes ? ` (${(c.bytes / 1e6).toFixed(2)} MB archive)` : ''}`);
  for (const cli of clis) {
    const r = measure(cli, c.args);
    console.log(`  ${cli.padEnd(40)} exit ${r.exit.padEnd(14)} wall ${r.wall.toFixed(2).padStart(5)} s  peak RSS ${String(r.rssMiB ?? '?').padStart(5)} MiB  ${r.says}`);
  }
}
const rp = readyPattern();
console.log(`\nitem 8: ready "(a+)+$" against 30 a's and a b: backtracking RegExp ${rp.backtracking}, linear engine ('l') ${rp.linear}`);
rmSync(work, { recursive: true, force: true });
