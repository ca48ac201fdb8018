#!/usr/bin/env node
// Build-time numbers for `unik build` (never part of the tests):
//   npm run bench:build [-- --runs 5]
// A clean build of examples/hello-unikraft in a fresh UNIK_HOME (sources cloned from your unik sources cache),
// then the no-op rebuild (cache hit, no make) as a median of N, and the image size.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median } from './stats.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const cli = join(root, 'dist', 'cli', 'main.js');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 5;
const productHome = process.env.UNIK_HOME ?? join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'unik');
const lock = JSON.parse(readFileSync(join(productHome, 'sources', 'sources.json'), 'utf8'));
const home = mkdtempSync(join(tmpdir(), 'unik-bench-build-'));
const env = { ...process.env, UNIK_HOME: home };

const unik = (...args) => {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [cli, ...args], { env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`unik ${args.join(' ')} failed: ${r.stderr}`);
  return { ms: performance.now() - t0, out: r.stdout };
};

unik('sources', 'add', 'unikraft', lock.sources.unikraft.path);
const app = join(root, 'examples', 'hello-unikraft');
const clean = unik('build', app, '--json');
const image = JSON.parse(clean.out).image;
const noop = Array.from({ length: runs }, () => unik('build', app, '--json').ms);

console.log(`hello-unikraft (Unikraft ${image.frameworkVersion}), fresh UNIK_HOME ${home}`);
console.log(`clean build:     ${(clean.ms / 1000).toFixed(1)} s wall (make: ${image.buildSeconds} s)`);
console.log(`no-op rebuild:   median ${median(noop).toFixed(0)} ms over ${runs} (min ${Math.min(...noop).toFixed(0)}, max ${Math.max(...noop).toFixed(0)})`);
console.log(`image size:      ${image.sizeBytes} B; drivers: ${image.drivers.join(' ')}`);
