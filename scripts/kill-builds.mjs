#!/usr/bin/env node
// Kill `unik build` at random moments and count what survives it (never part of the tests):
//   node scripts/kill-builds.mjs [--rounds 20] [--signal KILL|TERM|mix] [--app hello-unikraft]
// Each round starts a clean build (--no-cache) of the example in a fresh UNIK_HOME, kills unik at a random
// moment of it, waits 1 s and lists every process still working on that home's build dirs (make, gcc, ld...).
// Then a plain `unik build` must succeed and store a kernel matching its record; if not, the app is wedged.
import { arg, recordMatches, setup, toolchainLeft } from './build-harness.mjs';

const rounds = Number(arg('rounds', 20));
const signal = arg('signal', 'KILL');
const example = arg('app', 'hello-unikraft');
const net = /http/.test(example);
const { home, app, unik, start } = setup(example, net ? ['unikraft', 'lib-lwip', 'fork-lwip'] : ['unikraft']);

const t0 = performance.now();
const first = unik('build', app, '--no-cache', '--json');
if (first.status !== 0) throw new Error(`first build failed: ${first.stderr}`);
const cleanMs = performance.now() - t0;
console.log(`${example}: clean build ${(cleanMs / 1000).toFixed(1)} s; UNIK_HOME ${home}; ${rounds} rounds, signal ${signal}`);

let left = 0;
let wedged = 0;
for (let i = 1; i <= rounds; i++) {
  const sig = signal === 'mix' ? (i % 2 ? 'SIGKILL' : 'SIGTERM') : `SIG${signal}`;
  const child = start('build', app, '--no-cache');
  const exited = new Promise((r) => child.on('exit', r));
  // nice execs node, so the child's pid is unik's own.
  const at = 200 + Math.random() * cleanMs * 0.9;
  await new Promise((r) => setTimeout(r, at));
  child.kill(sig);
  await exited;
  // Without the tie, make went on starting compilers for several seconds after unik was gone.
  await new Promise((r) => setTimeout(r, 1000));
  const survivors = toolchainLeft(home);
  left += survivors.length;
  const after = unik('build', app, '--json');
  const ok = after.status === 0 && recordMatches(home, JSON.parse(after.stdout).image);
  if (!ok) wedged += 1;
  console.log(`round ${String(i).padStart(2)}: ${sig} at ${(at / 1000).toFixed(1)} s · toolchain processes left: ${survivors.length}${survivors.length ? ` (${survivors.join(', ')})` : ''} · next build: ${ok ? 'ok' : `FAILED ${after.stderr.trim().split('\n')[0]}`}`);
}
console.log(`\n${rounds} kills (${signal}): ${left} toolchain processes left, ${wedged} wedged apps`);
process.exitCode = left || wedged ? 1 : 0;
