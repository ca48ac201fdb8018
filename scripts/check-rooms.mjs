#!/usr/bin/env node
// Checks the house rules of the code's rooms: every import goes to the same room or to a room on a lower floor
// (never back up), no file-level import cycles, and no room holds more than a quarter of the code.
// Prints the rooms with their line counts; exits 1 on any violation. Run: node scripts/check-rooms.mjs [--json]
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Lowest floor first. A room may import from itself and from any room listed before it. */
export const FLOORS = ['lib', 'manifest', 'sources', 'toolchains', 'programs', 'machine', 'targets', 'importers', 'images', 'oci', 'run', 'runtime', 'bench', 'cli'];
const MAX_SHARE = 0.25;

function files(dir) {
  const out = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.ts$/.test(name)) out.push(p);
  }
  return out;
}

const roomOf = (file) => relative(root, file).split('/')[0];
const all = FLOORS.filter((r) => { try { return statSync(join(root, r)).isDirectory(); } catch { return false; } }).flatMap((r) => files(join(root, r)));
const problems = [];
const graph = new Map();
const lines = new Map();
for (const f of all) {
  const text = readFileSync(f, 'utf8');
  lines.set(roomOf(f), (lines.get(roomOf(f)) ?? 0) + text.split('\n').length);
  const deps = [];
  for (const m of text.matchAll(/(?:from\s+|import\(\s*)'(\.{1,2}\/[^']+)'/g)) {
    const target = normalize(join(dirname(f), m[1])).replace(/\.js$/, '.ts');
    deps.push(target);
    const from = roomOf(f), to = roomOf(target);
    if (FLOORS.indexOf(to) > FLOORS.indexOf(from)) problems.push(`${relative(root, f)} imports ${relative(root, target)}: ${from}/ may not import from ${to}/, a higher floor`);
  }
  graph.set(f, deps.filter((d) => d.endsWith('.ts')));
}

// Cycles: depth-first search with colours; each cycle is reported once, by its file list.
const state = new Map();
const stack = [];
const seen = new Set();
function visit(f) {
  state.set(f, 1);
  stack.push(f);
  for (const d of graph.get(f) ?? []) {
    if (state.get(d) === 1) {
      const cycle = stack.slice(stack.indexOf(d)).map((x) => relative(root, x));
      const key = [...cycle].sort().join(' ');
      if (!seen.has(key)) { seen.add(key); problems.push(`import cycle: ${[...cycle, cycle[0]].join(' -> ')}`); }
    } else if (!state.get(d) && graph.has(d)) visit(d);
  }
  stack.pop();
  state.set(f, 2);
}
for (const f of graph.keys()) if (!state.get(f)) visit(f);

const total = [...lines.values()].reduce((a, b) => a + b, 0);
const rooms = FLOORS.filter((r) => lines.has(r)).map((r) => ({ room: r, lines: lines.get(r), share: lines.get(r) / total }));
for (const r of rooms) if (r.share > MAX_SHARE) problems.push(`${r.room}/ holds ${(r.share * 100).toFixed(1)} % of the code (more than ${MAX_SHARE * 100} %)`);

if (process.argv.includes('--json')) console.log(JSON.stringify({ total, rooms, problems }, null, 2));
else {
  for (const r of rooms) console.log(`${(r.room + '/').padEnd(12)} ${String(r.lines).padStart(5)} lines  ${(r.share * 100).toFixed(1).padStart(5)} %`);
  console.log(`${'total'.padEnd(12)} ${String(total).padStart(5)} lines (TypeScript, by floor, lowest first)`);
  for (const p of problems) console.log(`PROBLEM: ${p}`);
  if (!problems.length) console.log('no imports up a floor, no import cycles, no room over a quarter');
}
process.exitCode = problems.length ? 1 : 0;
