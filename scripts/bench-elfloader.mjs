#!/usr/bin/env node
// What running an existing Linux program costs a Unikraft boot: examples/hello-elfloader (a glibc program built
// here with `cc -static-pie`, loaded by app-elfloader from the initrd) against examples/hello-unikraft (C
// compiled into the kernel), interleaved, both console-only on -M microvm under TCG.
//   npm run build && node scripts/bench-elfloader.mjs [--runs 7]
// Prints medians of unik run's first output and exit (both from QEMU's spawn) and the ratios.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, interleaved, median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 7;
const scratch = mkdtempSync(join(tmpdir(), 'unik-bench-elfloader-'));
const elfloader = join(scratch, 'hello-elfloader');
cpSync(join(root, 'examples', 'hello-elfloader'), elfloader, { recursive: true });
execFileSync('cc', ['-O2', '-static-pie', '-o', join(elfloader, 'hello'), join(elfloader, 'hello.c')]);

const ids = {};
for (const [name, dir] of [['hello-unikraft', join(root, 'examples', 'hello-unikraft')], ['hello-elfloader', elfloader]]) {
  const r = spawnSync(process.execPath, [cli, 'build', dir, '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name}: build failed: ${r.stderr.trim().split('\n')[0]}`);
  ids[name] = JSON.parse(r.stdout).image.id;
}
const load = loadavg()[0];
const runOnce = (name) => () => {
  const r = spawnSync(process.execPath, [cli, 'run', ids[name], '--accel', 'tcg', '--timeout', '60s', '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${name}: run failed: ${r.stderr.trim().split('\n')[0]}`);
  const j = JSON.parse(r.stdout);
  return { first: j.bootMs, exit: j.exitMs };
};
const out = interleaved(runs, { 'hello-unikraft': runOnce('hello-unikraft'), 'hello-elfloader': runOnce('hello-elfloader') });
rmSync(scratch, { recursive: true, force: true });

console.log(`QEMU spawn → first output / guest exit under TCG, ${runs} interleaved runs each, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`);
for (const [name, xs] of Object.entries(out)) {
  console.log(`${name.padEnd(16)} first output ${fmt(xs.map((x) => x.first))}`);
  console.log(`${''.padEnd(16)} exit         ${fmt(xs.map((x) => x.exit))}`);
}
const ratio = (k) => (median(out['hello-elfloader'].map((x) => x[k])) / median(out['hello-unikraft'].map((x) => x[k]))).toFixed(2);
console.log(`\napp-elfloader cost: first output ${ratio('first')}×, exit ${ratio('exit')}× hello-unikraft's`);
