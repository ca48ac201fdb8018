#!/usr/bin/env node
// Warm starts (issue 22): cold boots against restores of a snapshot taken once ready, next to the VMM floor.
//   npm run bench:snapshot [-- --runs 5] [--apps http-unikraft,http-mirage]
// For http-unikraft, http-osv and http-mirage (virtio), each round runs, interleaved: a cold `unik run` (first console
// byte, first HTTP 200) with the VMM floor measured again right after it (QEMU with the same machine type, memory and
// accelerator booting unik's probe guest, which exits at once; median of 5), and a `unik run --snapshot` restore
// (guest running again, first HTTP 200). The snapshot is saved by one run before the rounds. Uses UNIK_HOME.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { goal, median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

const only = process.argv.includes('--apps') ? process.argv[process.argv.indexOf('--apps') + 1].split(',') : null;
const apps = [
  { name: 'http-unikraft', guest: 80, args: [] },
  { name: 'http-osv', guest: 80, args: [] },
  { name: 'http-mirage', guest: 8080, args: ['--platform', 'virtio'] },
].filter((a) => !only || only.includes(a.name));

/** One `unik run … --ready-http … --stop-when-ready --json`; the parsed result, or null with why. */
function run(id, guest, port, extra) {
  const args = ['run', id, '--accel', 'tcg', '-p', `${port}:${guest}`, '--ready-http', `http://127.0.0.1:${port}/`, '--stop-when-ready', '--timeout', '60s', '--json', ...extra];
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`unik ${args.join(' ')} failed: ${r.stderr.trim().split('\n').slice(-2).join(' / ')}`);
  return JSON.parse(r.stdout);
}

const built = [];
for (const app of apps) {
  const r = spawnSync(process.execPath, [cli, 'build', join(root, 'examples', app.name), ...app.args, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`${app.name}: not measured, its build failed: ${r.stderr.trim().split('\n')[0]}`);
    continue;
  }
  built.push({ ...app, image: JSON.parse(r.stdout).image, cold: [], coldOut: [], floor: [], restored: [], resumed: [] });
}

let port = 18400;
for (const app of built) {
  const first = run(app.image.id, app.guest, port++, ['--snapshot']);
  app.snapshot = first.snapshot;
  if (!['saved', 'restored'].includes(first.snapshot.action)) throw new Error(`${app.name}: snapshot ${first.snapshot.action}: ${first.snapshot.why}`);
}
console.log(`load average at start: ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
console.log(`cold boot vs restore of a snapshot taken once ready, QEMU under TCG, ${runs} interleaved rounds; medians in ms\n`);
for (let i = 0; i < runs; i++) {
  for (const app of built) {
    const cold = run(app.image.id, app.guest, port++, ['--remeasure-floor']);
    app.cold.push(cold.readyMs);
    app.coldOut.push(cold.bootMs);
    app.floor.push(cold.floor.exitMs);
    const warm = run(app.image.id, app.guest, port++, ['--snapshot']);
    if (warm.snapshot.action !== 'restored') throw new Error(`${app.name}: expected a restore, got ${warm.snapshot.action}: ${warm.snapshot.why}`);
    app.restored.push(warm.readyMs);
    app.resumed.push(warm.snapshot.ms);
  }
}
const f = (xs) => median(xs).toFixed(1).padStart(7);
const x = (a, b) => `${(median(a) / median(b)).toFixed(2)}×`;
console.log(`${'image'.padEnd(14)} ${'floor'.padStart(7)}  ${'cold: 1st output'.padStart(16)} ${'first 200'.padStart(9)}  ${'restored: running'.padStart(17)} ${'first 200'.padStart(9)}  restored/floor  cold/floor  snapshot`);
for (const app of built) {
  console.log(`${app.name.padEnd(14)} ${f(app.floor)}  ${f(app.coldOut).padStart(16)} ${f(app.cold).padStart(9)}  ${f(app.resumed).padStart(17)} ${f(app.restored).padStart(9)}  ${x(app.restored, app.floor).padStart(14)}  ${x(app.cold, app.floor).padStart(10)}  ${(app.snapshot.sizeBytes / 1024).toFixed(0)} KiB`);
}
console.log('');
for (const app of built) goal(`${app.name} restored first 200 / VMM floor`, x(app.restored, app.floor), '≤ 1.3×', median(app.restored) / median(app.floor) <= 1.3);
console.log(`load average at end: ${spawnSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).stdout.trim()}`);
