#!/usr/bin/env node
// Time to the first HTTP 200 of each target's HTTP example, in one interleaved run so all share the same load.
//   npm run bench:http [-- --runs 5]
// Builds examples/http-unikraft, http-mirage (when the MirageOS toolchain is there), http-osv and nginx-osv (Debian's
// nginx on OSv, `program:`) through the image cache first; prints medians of unik run's readyMs (spawn → first 2xx on 127.0.0.1) and ratios to Unikraft.
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstHttp200 } from './first-200.mjs';
import { fmt, median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;

const apps = [
  { name: 'http-unikraft', guest: 80 },
  { name: 'http-mirage', guest: 8080 },
  { name: 'http-osv', guest: 80 },
  { name: 'nginx-osv', guest: 80 },
];
const built = [];
for (const app of apps) {
  const r = spawnSync(process.execPath, [cli, 'build', join(root, 'examples', app.name), '--json'], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.log(`${app.name}: not measured, its build failed: ${r.stderr.trim().split('\n')[0]}`);
    continue;
  }
  const image = JSON.parse(r.stdout).image;
  built.push({ ...app, image, ready: [] });
}

console.log(`spawn → first HTTP 200 on 127.0.0.1, QEMU under TCG, ${runs} runs each, interleaved\n`);
for (let i = 0; i < runs; i++) {
  built.forEach((app, j) => {
    const ms = firstHttp200(cli, app.image.id, app.guest, 18200 + i * built.length + j);
    if (ms === null) throw new Error(`unik run ${app.name} did not answer HTTP`);
    app.ready.push(ms);
  });
}
const base = built.find((a) => a.name === 'http-unikraft');
for (const app of built) {
  const ratio = base ? ` = ${(median(app.ready) / median(base.ready)).toFixed(2)}× http-unikraft` : '';
  // What boots: the kernel plus the files stored with it (OSv's root disk).
  const size = Object.values(app.image.files ?? {}).reduce((n, f) => n + statSync(f).size, app.image.sizeBytes);
  console.log(`${app.name.padEnd(14)} ${fmt(app.ready)}${ratio}   image ${size.toLocaleString('en')} B, drivers ${app.image.drivers.join(' ')}`);
}
