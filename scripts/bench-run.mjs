#!/usr/bin/env node
// Boot-time numbers for `unik run`. Prints medians over several runs; never part of the tests.
//   npm run bench:run [-- --runs 10]
// 1. hello-unikraft boot-to-exit through `unik run` (median of N), with the VMM floor it reports
// 2. `unik run IMAGE` vs the raw QEMU argv it uses vs `node -e 0`, interleaved: unik's own cost
// 3. http-unikraft: time to the first HTTP 200 (median of 5), when that image is built
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { firstHttp200 } from './first-200.mjs';
import { fmt, goal, interleaved, median, wall } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const unikJson = (...args) => {
  const r = spawnSync(process.execPath, [cli, ...args, '--json'], { encoding: 'utf8' });
  return r.status === 0 ? JSON.parse(r.stdout) : null;
};

const built = unikJson('build', join(root, 'examples', 'hello-unikraft'));
if (!built) throw new Error('unik build examples/hello-unikraft failed');
const image = built.image;

console.log(`machine: ${process.arch}, QEMU under TCG (unik run --accel tcg); ${runs} runs each\n`);

// The first run measures the floor again, so the cached figure the others report is from this session.
const runsJson = Array.from({ length: runs }, (_, i) =>
  JSON.parse(wall(process.execPath, [cli, 'run', image.id, '--accel', 'tcg', '--json', ...(i ? [] : ['--remeasure-floor'])]).r.stdout.toString()));
const floor = runsJson[0].floor;
console.log(`hello-unikraft, measured by unik (spawn → first console byte): ${fmt(runsJson.map((j) => j.bootMs))}`);
console.log(`hello-unikraft, measured by unik (spawn → QEMU exit):          ${fmt(runsJson.map((j) => j.exitMs))}`);
console.log(`VMM floor unik run reports (-M ${floor.machine} -accel ${floor.accel} -m ${floor.memoryMiB}M, cached, median of ${floor.runs}): ${floor.exitMs.toFixed(1)} ms; peak RSS ${(median(runsJson.map((j) => j.peakRssKiB)) / 1024).toFixed(1)} MiB (floor ${(floor.peakRssKiB / 1024).toFixed(1)} MiB)\n`);

const [qemu, ...raw] = unikJson('run', image.id, '--accel', 'tcg', '--dry-run').argv;
// What any Node program pays to run that QEMU with its console piped through it, as unik does: the part of
// unik's overhead that is Node's, not unik's.
const spawner = "const c = require('node:child_process').spawn(process.argv[1], process.argv.slice(2), { stdio: ['ignore', 'pipe', 'pipe'] }); c.stdout.pipe(process.stdout); c.on('close', () => {});";
// The same command line again starts its VMM from the plan the last one left, while the CLI loads (lib/early-start.ts);
// UNIK_EARLY_START=off is a first run's cost (or any command line not run before).
const late = { ...process.env, UNIK_EARLY_START: 'off' };
const t = interleaved(runs, {
  unik: () => wall(process.execPath, [cli, 'run', image.id, '--accel', 'tcg']).ms,
  late: () => wall(process.execPath, [cli, 'run', image.id, '--accel', 'tcg'], { env: late }).ms,
  raw: () => wall(qemu, raw).ms,
  node: () => wall(process.execPath, ['-e', '0']).ms,
  spawner: () => wall(process.execPath, ['-e', spawner, qemu, ...raw]).ms,
});
const overhead = median(t.unik) - median(t.raw) - median(t.node);
console.log('whole process, interleaved:');
console.log(`  unik run ${image.id}:        ${fmt(t.unik)}  (started early, from its plan)`);
console.log(`  the same, UNIK_EARLY_START=off: ${fmt(t.late)}  (a command line's first run)`);
console.log(`  raw qemu-system-x86_64 argv:  ${fmt(t.raw)}`);
console.log(`  node -e 0 (node start-up):    ${fmt(t.node)}`);
console.log(`  a 1-line Node spawner of it:  ${fmt(t.spawner)}  (Node's own share: ${(median(t.spawner) - median(t.raw) - median(t.node)).toFixed(1)} ms)`);
goal('unik run − raw QEMU − node -e 0', `${overhead.toFixed(1)} ms`, '≤ 25 ms', overhead <= 25);
// Issue 22's form of the same goal, as a ratio: what unik run adds to the QEMU it starts, against node -e 0.
const runRatio = (median(t.unik) - median(t.raw)) / median(t.node);
goal('(unik run − raw QEMU) / node -e 0', `${runRatio.toFixed(2)}×`, '≤ 1.2×', runRatio <= 1.2);
console.log(`  a command line's first run (no plan yet): ${((median(t.late) - median(t.raw)) / median(t.node)).toFixed(2)}×`);
// The same ratio per round (each round runs all of them back to back), then its median: drift between rounds
// cancels out, so this moves less from one bench run to the next than the ratio of medians above.
const paired = (k) => median(t[k].map((ms, i) => (ms - t.raw[i]) / t.node[i])).toFixed(2);
console.log(`  per round, median: started early ${paired('unik')}×, first run ${paired('late')}×, the one-line spawner ${paired('spawner')}×`);
console.log('');

const http = unikJson('inspect', 'http-unikraft');
if (!http) console.log('http-unikraft not built: run "unik build examples/http-unikraft" for the time-to-first-200 figure');
if (http) {
  const ready = [];
  for (let i = 0; i < 5; i++) ready.push(firstHttp200(cli, http.id, 80, 18180 + i));
  console.log(`http-unikraft, spawn → first HTTP 200 on 127.0.0.1: ${fmt(ready)}`);
}
