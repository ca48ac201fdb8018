#!/usr/bin/env node
// Two `unik build` of the same app at once, N times (never part of the tests):
//   node scripts/concurrent-builds.mjs [--rounds 20] [--app hello-unikraft]
// Each round changes the app's main.c (so there is something to build), starts two `unik build --json` at the
// same moment and counts failures (either exits non-zero) and wrong records (a report whose id, size or sha256
// differs from the other's or from the file and record.json in the store).
import { writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { arg, recordMatches, setup } from './build-harness.mjs';

const rounds = Number(arg('rounds', 20));
const example = arg('app', 'hello-unikraft');
const { home, app, unik, start } = setup(example, /http/.test(example) ? ['unikraft', 'lib-lwip', 'fork-lwip'] : ['unikraft']);
const main = join(app, 'main.c');
const original = readFileSync(main, 'utf8');
if (unik('build', app).status !== 0) throw new Error('first build failed');
console.log(`${example}: UNIK_HOME ${home}; ${rounds} rounds of two concurrent builds`);

const build = () =>
  new Promise((resolve) => {
    const child = start('build', app, '--json');
    let out = '';
    let err = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err += c));
    child.on('exit', (code) => resolve({ code, out, err }));
  });

let failures = 0;
let wrong = 0;
for (let i = 1; i <= rounds; i++) {
  writeFileSync(main, `${original}\nconst char *unik_round = "round ${i} ${Date.now()}";\n`);
  const pair = await Promise.all([build(), build()]);
  const failed = pair.filter((r) => r.code !== 0);
  failures += failed.length;
  const images = pair.filter((r) => r.code === 0).map((r) => JSON.parse(r.out).image);
  const bad = images.filter((img) => img.id !== images[0].id || img.sha256 !== images[0].sha256 || !recordMatches(home, img)).length;
  wrong += bad;
  console.log(`round ${String(i).padStart(2)}: ${images.map((img) => (img.cached ? 'cached' : 'built')).join(' + ')}${failed.length ? ` · FAILED: ${failed.map((r) => r.err.trim().split('\n')[0]).join(' | ')}` : ''}${bad ? ` · ${bad} wrong record(s)` : ''}`);
}
console.log(`\n${rounds} pairs: ${failures} failures, ${wrong} wrong records`);
process.exitCode = failures || wrong ? 1 : 0;
