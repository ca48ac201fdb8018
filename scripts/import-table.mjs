#!/usr/bin/env node
// The import table: every Unikraft catalog native app, every mirage-skeleton tutorial/ and device-usage/ app and
// the osv-apps with their own C/C++ sources, each checked out of its mirror into a temp dir and translated with
// `unik init --from`; those named with --build are also built and booted (slow: minutes each on 2 cores).
//
//   node scripts/import-table.mjs [--mirrors DIR] [--only catalog,mirage-skeleton,osv-apps] [--build all|NAME,NAME] [--json]
//
// osv-apps counts the modules with C/C++ files of their own and the *-from-host ones (a host program).
// Prints a Markdown table: app, translated (or the refusal), built, ran, and the reason.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const arg = (name) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const mirrors = resolve(arg('--mirrors') ?? process.env.UNIK_SOURCES_FROM ?? '/work/.mirror');
const toBuild = (arg('--build') ?? '').split(',').filter(Boolean);
const only = (arg('--only') ?? 'catalog,mirage-skeleton,osv-apps').split(',');
const CLI = resolve(import.meta.dirname, '..', 'dist', 'cli', 'main.cjs');

const git = (repo, ...args) => execFileSync('git', ['--git-dir', join(mirrors, repo, 'repo'), ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
const files = (repo) => git(repo, 'ls-tree', '-r', '--name-only', 'HEAD').split('\n').filter(Boolean);

/** The apps of each collection: [label, repo, directory]. */
function apps() {
  const out = [];
  const catalog = files('unikraft+catalog');
  for (const d of new Set(catalog.filter((f) => /^native\/[^/]+\/Kraftfile$/.test(f)).map((f) => f.split('/').slice(0, 2).join('/')))) out.push(['catalog', 'unikraft+catalog', d]);
  const skeleton = files('mirage+mirage-skeleton');
  for (const f of skeleton.filter((f) => /^(tutorial|device-usage)\/.*config\.ml$/.test(f))) out.push(['mirage-skeleton', 'mirage+mirage-skeleton', f.replace(/\/config\.ml$/, '')]);
  const osv = files('cloudius-systems+osv-apps');
  for (const d of new Set(osv.filter((f) => /^[^/]+\/[^/]+\.(c|cc|cpp)$|^[^/]+-from-host\//.test(f)).map((f) => f.split('/')[0]))) out.push(['osv-apps', 'cloudius-systems+osv-apps', d]);
  return out.filter((a) => only.includes(a[0])).sort((a, b) => a[0].localeCompare(b[0]) || a[2].localeCompare(b[2]));
}

const unik = (args, timeoutMs) => spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 << 20 });
const firstLine = (s) => (s ?? '').split('\n').find((l) => l.startsWith('unik: '))?.slice(6) ?? (s ?? '').trim().split('\n').at(-1) ?? '';

const work = mkdtempSync(join(tmpdir(), 'unik-import-table-'));
const rows = [];
try {
  for (const [collection, repo, dir] of apps()) {
    const name = `${collection}:${dir}`;
    const dest = join(work, repo, dir);
    mkdirSync(dest, { recursive: true });
    const tar = execFileSync('git', ['--git-dir', join(mirrors, repo, 'repo'), 'archive', 'HEAD', dir], { maxBuffer: 256 << 20 });
    execFileSync('tar', ['-x', '-C', join(work, repo)], { input: tar });
    const row = { app: name, translated: false, built: null, ran: null, reason: '' };
    const init = unik(['init', '--from', dest, '--json'], 60_000);
    if (init.status !== 0) row.reason = firstLine(init.stderr);
    else {
      row.translated = true;
      const t = JSON.parse(init.stdout);
      row.reason = t.warnings.length ? `warnings: ${t.warnings.map((w) => w.construct).join('; ')}` : '';
      if (toBuild.includes('all') || toBuild.includes(dir) || toBuild.includes(name)) {
        const b = unik(['build', dest, '--json'], 60 * 60_000);
        row.built = b.status === 0;
        if (!row.built) row.reason = `build: ${firstLine(b.stderr)}`;
        else {
          const r = unik(['run', dest, '--timeout', '20s', '--json'], 120_000);
          let j = null;
          try {
            j = JSON.parse(r.stdout);
          } catch {}
          // A server or a clock runs until stopped: booted and cut by --timeout is a run.
          const stopped = !!j?.bootMs && /timed out after/.test(r.stderr);
          row.ran = r.status === 0 || stopped;
          if (stopped) row.reason = 'runs until stopped: booted, cut by --timeout 20s';
          else if (!row.ran) row.reason = `run: exit ${r.status}${j ? ` (guest code ${j.exitCode})` : ''}: ${firstLine(r.stderr)}`;
        }
      }
    }
    rows.push(row);
    process.stderr.write(`${name}: ${row.translated ? 'translated' : 'refused'}${row.built === null ? '' : row.built ? ', built' : ', build failed'}${row.ran === null ? '' : row.ran ? ', ran' : ', run failed'}\n`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (process.argv.includes('--json')) process.stdout.write(JSON.stringify(rows, null, 2) + '\n');
else {
  const mark = (v) => (v === null ? '–' : v ? 'yes' : 'no');
  process.stdout.write('| app | translated | built | ran | reason |\n| --- | --- | --- | --- | --- |\n');
  for (const r of rows) process.stdout.write(`| ${r.app} | ${mark(r.translated)} | ${mark(r.built)} | ${mark(r.ran)} | ${r.reason.replace(/\|/g, '\\|')} |\n`);
  const n = (f) => rows.filter(f).length;
  process.stdout.write(`\n${n((r) => r.translated)} of ${rows.length} translated; ${n((r) => r.built)} of ${n((r) => r.built !== null)} built; ${n((r) => r.ran)} ran.\n`);
}
