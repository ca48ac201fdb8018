#!/usr/bin/env node
// MirageOS numbers (never part of the tests):  npm run bench:mirage [-- --runs 5]
// Uses the MirageOS toolchain installed in your UNIK_HOME through a fresh UNIK_HOME that links it (as the tests do).
// 1. `unik toolchain install mirage` when installed (the no-op), median of N
// 2. a cached `unik build` (cache hit) of hello-mirage and of hello-unikraft, interleaved, median of N
// 3. boot figures of hello-, disk-, sleep-mirage on spt and virtio and http-mirage on virtio (`unik run --json`,
//    median of N): first output, ready (http: first HTTP 200), exit
// 4. the QEMU machine for a console-only virtio image: microvm without a local APIC (unik's choice), pc with qboot
//    without a local APIC, pc with SeaBIOS; raw QEMU spawn to exit, interleaved, median of N
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const productHome = process.env.UNIK_HOME ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'unik');
const home = mkdtempSync(join(tmpdir(), 'unik-bench-mirage-'));
mkdirSync(join(home, 'sources'));
symlinkSync(join(productHome, 'toolchains'), join(home, 'toolchains'));
const lock = JSON.parse(readFileSync(join(productHome, 'sources', 'sources.json'), 'utf8'));

const timed = (file, args, env = { ...process.env, UNIK_HOME: home }) => {
  const t0 = performance.now();
  const r = spawnSync(file, args, { env, encoding: 'utf8', timeout: 900_000 });
  return { ms: performance.now() - t0, r };
};
const unik = (...args) => {
  const { ms, r } = timed(process.execPath, [cli, ...args]);
  if (r.status !== 0) throw new Error(`unik ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, json: args.includes('--json') ? JSON.parse(r.stdout) : null };
};
const ms = (xs) => `${median(xs).toFixed(0)} ms`;
const app = (name) => {
  const dir = join(home, 'apps', name);
  cpSync(join(root, 'examples', name), dir, { recursive: true });
  return dir;
};

console.log(`MirageOS, ${runs} runs each, toolchain from ${productHome}/toolchains\n`);

const noop = Array.from({ length: runs }, () => timed(process.execPath, [cli, 'toolchain', 'install', 'mirage', '--json'], { ...process.env, UNIK_HOME: productHome }).ms);
console.log(`unik toolchain install mirage, installed (no-op): ${ms(noop)}`);

unik('sources', 'add', 'unikraft', lock.sources.unikraft.path);
const apps = { mirage: app('hello-mirage'), unikraft: app('hello-unikraft') };
unik('build', apps.mirage, '--json');
unik('build', apps.unikraft, '--json');
const cached = { mirage: [], unikraft: [] };
for (let i = 0; i < runs; i++) for (const k of ['mirage', 'unikraft']) cached[k].push(unik('build', apps[k], '--json').ms);
console.log(`cached unik build: hello-mirage ${ms(cached.mirage)}, hello-unikraft ${ms(cached.unikraft)} (ratio ${(median(cached.mirage) / median(cached.unikraft)).toFixed(2)})\n`);

console.log('boot (unik run --json, TCG): first output · ready · exit');
const boots = [
  ['hello-mirage', 'spt', []], ['hello-mirage', 'virtio', []],
  ['disk-mirage', 'spt', []], ['disk-mirage', 'virtio', []],
  ['sleep-mirage', 'spt', []], ['sleep-mirage', 'virtio', []],
  ['http-mirage', 'virtio', ['--ready-http', 'http://127.0.0.1:18080/', '--stop-when-ready']],
];
const dirs = {};
let consoleVirtio = null;
for (const [name, platform, extra] of boots) {
  dirs[name] ??= app(name);
  const image = unik('build', dirs[name], '--platform', platform, '--json').json.image;
  if (name === 'hello-mirage' && platform === 'virtio') consoleVirtio = image;
  const res = Array.from({ length: runs }, () => unik('run', image.id, '--timeout', '60s', ...extra, '--json').json);
  const col = (k) => (res.every((x) => x[k] != null) ? ms(res.map((x) => x[k])) : '-');
  console.log(`  ${name.padEnd(13)} ${platform.padEnd(7)} ${res[0].machine.padEnd(8)} ${col('bootMs')} · ${col('readyMs')} · ${col('exitMs')}`);
}

const argv = unik('run', consoleVirtio.id, '--dry-run', '--json').json.argv;
const swap = (machine, cpu) => {
  const a = [...argv];
  a.splice(a.indexOf('-M'), 2, ...machine);
  a[a.indexOf('-cpu') + 1] = cpu;
  return a;
};
const variants = {
  'microvm, no local APIC (unik)': swap(['-M', 'microvm'], 'max,-apic'),
  'pc + qboot, no local APIC': swap(['-M', 'pc', '-bios', '/usr/share/qemu/qboot.rom'], 'max,-apic'),
  'pc + SeaBIOS': swap(['-M', 'pc'], 'max'),
};
const times = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
for (let i = 0; i < runs; i++) {
  for (const [k, a] of Object.entries(variants)) {
    const { ms: t, r } = timed(a[0], a.slice(1));
    if (r.status !== 83) throw new Error(`${k}: QEMU exited ${r.status}, expected 83 (solo5_exit)`);
    times[k].push(t);
  }
}
console.log('\nconsole-only virtio (hello-mirage), raw QEMU spawn to exit:');
for (const [k, t] of Object.entries(times)) console.log(`  ${k.padEnd(30)} ${ms(t)}`);
