// Shared by the benchmark scripts: medians, a one-line summary of a sample, timed child processes, goal lines.
import { spawnSync } from 'node:child_process';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export const fmt = (xs) =>
  `median ${median(xs).toFixed(1)} ms  (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)}, n=${xs.length})`;

/** Run a command to its end, its output as text; a non-zero exit throws with its stderr unless opts.allowFail. */
export const sh = (file, argv, opts = {}) => {
  const r = spawnSync(file, argv, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  if (r.status !== 0 && !opts.allowFail) throw new Error(`${file} ${argv.join(' ')}: exit ${r.status}\n${r.stderr ?? ''}`);
  return r;
};

/** Wall time of one whole child process, from just before spawn to its exit. */
export const wall = (file, args, opts = {}) => {
  const t0 = performance.now();
  const r = spawnSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000, ...opts });
  if (r.status === null) throw new Error(`${file} ${args.join(' ')} did not finish`);
  return { ms: performance.now() - t0, r };
};

/** Run each named command once per round, interleaved, `rounds` times: drift on the machine hits all alike. */
export const interleaved = (rounds, commands) => {
  const out = Object.fromEntries(Object.keys(commands).map((k) => [k, []]));
  for (let i = 0; i < rounds; i++) for (const [k, run] of Object.entries(commands)) out[k].push(run());
  return out;
};

/** One row of the goals table, grep-able: "GOAL  measure: measured (goal …) ok|MISSED". */
export const goal = (measure, measured, target, met) =>
  console.log(`GOAL  ${measure}: ${measured}  (goal ${target}) ${met ? 'met' : 'MISSED'}`);
