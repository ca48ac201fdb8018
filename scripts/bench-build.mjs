#!/usr/bin/env node
// Build-time numbers for `unik build` (never part of the tests):
//   npm run bench:build [-- --runs 10]
// A clean build of examples/hello-unikraft in a fresh UNIK_HOME (sources cloned from your unik sources cache), then
// the cached rebuild (no make) interleaved with `node -e 0`: unik's own cost on a cache hit. The image size.
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, goal, interleaved, median, wall } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.cjs');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 10;
const productHome = process.env.UNIK_HOME ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'unik');
const lock = JSON.parse(readFileSync(join(productHome, 'sources', 'sources.json'), 'utf8'));
const home = mkdtempSync(join(tmpdir(), 'unik-bench-build-'));
const env = { ...process.env, UNIK_HOME: home };

const unik = (...args) => {
  const { ms, r } = wall(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unik ${args.join(' ')} failed: ${r.stderr}`);
  return { ms, out: r.stdout };
};

unik('sources', 'add', 'unikraft', lock.sources.unikraft.path);
const app = join(root, 'examples', 'hello-unikraft');
const clean = unik('build', app, '--json');
const image = JSON.parse(clean.out).image;
const t = interleaved(runs, { build: () => unik('build', app, '--json').ms, node: () => wall(process.execPath, ['-e', '0']).ms });

console.log(`hello-unikraft (Unikraft ${image.frameworkVersion}, patches: ${image.patches.map((p) => p.file).join(', ') || 'none'}), fresh UNIK_HOME ${home}`);
console.log(`clean build:     ${(clean.ms / 1000).toFixed(1)} s wall (make: ${image.buildSeconds} s)`);
console.log(`cached build:    ${fmt(t.build)}`);
console.log(`node -e 0:       ${fmt(t.node)}`);
const ratio = median(t.build) / median(t.node);
goal('cached unik build / node -e 0', `${ratio.toFixed(2)}×`, '≤ 1.3× (issue 22; was ≤ 2×)', ratio <= 1.3);
console.log(`image size:      ${image.sizeBytes} B; drivers: ${image.drivers.join(' ')}`);
