#!/usr/bin/env node
// What `files` and `env` cost a Unikraft boot: examples/files-unikraft (vfscore + ramfs + ukcpio, a cpio initrd
// extracted into the root, env.vars= parsed) against examples/hello-unikraft (none of it), interleaved.
//   npm run build && node scripts/bench-files.mjs [--runs 9]
// Prints medians of unik run's exitMs (QEMU spawn → guest exit) and the ratio.
import { spawnSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;
const apps = ['hello-unikraft', 'files-unikraft'].map((name) => ({ name, exit: [] }));

for (const app of apps) {
  const r = spawnSync(process.execPath, [cli, 'build', join(root, 'examples', app.name), '--json'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${app.name}: build failed: ${r.stderr.trim().split('\n')[0]}`);
  app.id = JSON.parse(r.stdout).image.id;
}
const load = loadavg()[0];
for (let i = 0; i < runs; i++) {
  for (const app of apps) {
    const r = spawnSync(process.execPath, [cli, 'run', app.id, '--accel', 'tcg', '--timeout', '60s', '--json'], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${app.name}: run failed: ${r.stderr.trim().split('\n')[0]}`);
    app.exit.push(JSON.parse(r.stdout).exitMs);
  }
}
console.log(`QEMU spawn → guest exit under TCG, ${runs} interleaved runs each, load ${load.toFixed(1)} → ${loadavg()[0].toFixed(1)}\n`);
for (const app of apps) console.log(`${app.name.padEnd(15)} ${fmt(app.exit)}`);
console.log(`\nfiles + env cost: ${(median(apps[1].exit) / median(apps[0].exit)).toFixed(2)}× hello-unikraft's boot to exit`);
