#!/usr/bin/env node
// Boot-time numbers for `unik run` (issue: run). Prints medians over several runs; never part of the tests.
//   npm run bench:run [-- --runs 10]
// 1. hello-unikraft boot-to-exit through `unik run` (median of N)
// 2. `unik run IMAGE` vs the raw QEMU argv it uses, alternating, plus node's own start-up
// 3. http-unikraft: time to the first HTTP 200 (median of 5), when that image is built
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstHttp200 } from './first-200.mjs';
import { fmt, median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const unikJson = (...args) => {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : null;
};

const wall = (file, args) => {
  const t0 = performance.now();
  const r = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 30_000 });
  if (r.status === null) throw new Error(`${file} did not finish`);
  return { ms: performance.now() - t0, r };
};

const built = unikJson('build', join(root, 'examples', 'hello-unikraft'));
if (!built) throw new Error('unik build examples/hello-unikraft failed');
const image = built.image;

console.log(`machine: ${process.arch}, QEMU under TCG (unik run --accel tcg); ${runs} runs each\n`);

const exitMs = [];
const bootMs = [];
for (let i = 0; i < runs; i++) {
  const { r } = wall(process.execPath, [cli, 'run', image.id, '--accel', 'tcg', '--json']);
  const j = JSON.parse(r.stdout.toString());
  exitMs.push(j.exitMs);
  bootMs.push(j.bootMs);
}
console.log(`hello-unikraft, measured by unik (spawn → first console byte): ${fmt(bootMs)}`);
console.log(`hello-unikraft, measured by unik (spawn → QEMU exit):          ${fmt(exitMs)}\n`);

const [qemu, ...raw] = unikJson('run', image.id, '--accel', 'tcg', '--dry-run').argv;
const unikWall = [];
const rawWall = [];
const nodeWall = [];
for (let i = 0; i < runs; i++) {
  unikWall.push(wall(process.execPath, [cli, 'run', image.id, '--accel', 'tcg']).ms);
  rawWall.push(wall(qemu, raw).ms);
  nodeWall.push(wall(process.execPath, ['-e', '0']).ms);
}
const overhead = median(unikWall) - median(rawWall);
console.log(`whole process, alternating:`);
console.log(`  unik run ${image.id}:        ${fmt(unikWall)}`);
console.log(`  raw qemu-system-x86_64 argv:  ${fmt(rawWall)}`);
console.log(`  node -e 0 (node start-up):    ${fmt(nodeWall)}`);
console.log(`  unik overhead ${overhead.toFixed(1)} ms vs goal ≤ node start-up + 25 = ${(median(nodeWall) + 25).toFixed(1)} ms\n`);

const http = unikJson('inspect', 'http-unikraft');
if (!http) console.log('http-unikraft not built: run "unik build examples/http-unikraft" for the time-to-first-200 figure');
if (http) {
  const ready = [];
  for (let i = 0; i < 5; i++) ready.push(firstHttp200(cli, http.id, 80, 18180 + i));
  console.log(`http-unikraft, spawn → first HTTP 200 on 127.0.0.1: ${fmt(ready)}`);
}
