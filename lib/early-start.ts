import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { childProcess } from './child-process.js';
import { fileStamp } from './file-stamp.js';
import { privateCacheDir, storePrivately } from './private-cache.js';
import { quickHash } from './quick-hash.js';
import { recordChild, type RecordedChild } from './recorded-child.js';

/**
 * What a plain `unik run` of a stored image started (the reaper and the VMM's whole argv), kept so that the next
 * identical command starts it before the CLI has loaded: the VMM boots on one core while the CLI loads on the
 * other. The CLI then decides the run as always and adopts the early process only if it would have started
 * exactly that command; otherwise the early one is killed and the decided one started (lib/early-start.ts).
 */
export interface LaunchPlan {
  file: string;
  args: string[];
  /** The stamp (lib/file-stamp.ts) of each file the decision read; any change and the plan is not followed. */
  stamps: [path: string, stamp: string][];
}

/** The stdio of a planned start: no console input, the console and QEMU's stderr piped, fd 3 the reaper's report. */
const PLANNED_STDIO = ['ignore', 'pipe', 'pipe', 'pipe'] as const;

interface Handoff {
  dir: string;
  key: string;
  early: { plan: LaunchPlan; rec: RecordedChild } | null;
}

// The launcher and the CLI are two bundles, each with its own copy of this module: they meet on the global.
const HANDOFF = Symbol.for('unik.early-start');
const handoff = (): Handoff | undefined => (globalThis as { [HANDOFF]?: Handoff })[HANDOFF];

/** The environment a run's decisions read (unik's settings, where its home and caches are, PATH for QEMU). */
const DECIDING_ENV = /^(UNIK_\w+|XDG_\w+|PATH|HOME|CI)$/;

/** Pure: the key of one command line, run from one directory with one environment by one build of the CLI. */
export function launchKey(bundleStamp: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  const deciding = Object.keys(env).filter((k) => DECIDING_ENV.test(k)).sort().map((k) => `${k}=${env[k]}`);
  return quickHash(new TextEncoder().encode(JSON.stringify([bundleStamp, argv, cwd, deciding])));
}

/** Pure: a plan file's content, or null for anything else. */
export function parsePlan(text: string): LaunchPlan | null {
  try {
    const p = JSON.parse(text) as LaunchPlan;
    const strings = (a: unknown): a is string[] => Array.isArray(a) && a.every((s) => typeof s === 'string');
    return typeof p.file === 'string' && strings(p.args) && Array.isArray(p.stamps) && p.stamps.every((s) => strings(s) && s.length === 2) ? p : null;
  } catch {
    return null;
  }
}

/**
 * The launcher's part, for `unik run`: start what the plan for this exact command says, if there is one and
 * nothing it was decided from changed. The early process keeps unik alive only once adopted, and is killed at
 * exit if it never was (its reaper would die with unik anyway). UNIK_EARLY_START=off: never.
 */
export function startEarly(bundle: string, argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  if (env.UNIK_EARLY_START === 'off') return;
  const dir = privateCacheDir('plans', env);
  if (!dir) return;
  const h: Handoff = { dir, key: launchKey(fileStamp(bundle)?.stamp ?? '', argv, process.cwd(), env), early: null };
  (globalThis as { [HANDOFF]?: Handoff })[HANDOFF] = h;
  let plan: LaunchPlan | null = null;
  try {
    plan = parsePlan(readFileSync(join(dir, `${h.key}.json`), 'utf8'));
  } catch {
    return;
  }
  if (!plan || plan.stamps.some(([path, stamp]) => fileStamp(path)?.stamp !== stamp)) return;
  const startedAt = process.hrtime.bigint();
  const child = childProcess().spawn(plan.file, plan.args, { stdio: [...PLANNED_STDIO] });
  const rec = recordChild(child, startedAt);
  holdOpen(rec, false);
  process.once('exit', () => {
    if (h.early?.rec === rec) child.kill('SIGKILL');
  });
  h.early = { plan, rec };
}

function holdOpen(rec: RecordedChild, hold: boolean): void {
  const { child } = rec;
  for (const h of [child, child.stdout, child.stderr, child.stdio[3]] as ({ ref(): void; unref(): void } | null)[]) {
    if (hold) h?.ref();
    else h?.unref();
  }
}

/**
 * The CLI's part: the early process, if it is exactly `command` (started with PLANNED_STDIO); null otherwise,
 * after killing an early one that is not. `command` null: this run cannot take one (another stdio, a snapshot).
 * Asked once: whatever starts later starts itself.
 */
export function takeEarlyStart(command: { file: string; args: readonly string[] } | null): RecordedChild | null {
  const h = handoff();
  const early = h?.early;
  if (!early) return null;
  h.early = null;
  const same = command && early.plan.file === command.file && early.plan.args.length === command.args.length && early.plan.args.every((a, i) => a === command.args[i]);
  if (!same) {
    early.rec.child.kill('SIGKILL');
    return null;
  }
  holdOpen(early.rec, true);
  return early.rec;
}

/**
 * After a run the CLI started itself: keep what it started for the next identical command, with the stamps of
 * the files its decision read. A full disk or unwritable cache only costs the next run its head start.
 */
export function rememberLaunch(command: { file: string; args: readonly string[] }, decidedFrom: readonly string[]): void {
  const h = handoff();
  if (!h) return;
  const stamps: [string, string][] = [];
  for (const path of decidedFrom) {
    const s = fileStamp(path);
    if (!s) return;
    stamps.push([path, s.stamp]);
  }
  const plan: LaunchPlan = { file: command.file, args: [...command.args], stamps };
  storePrivately(h.dir, join(h.dir, `${h.key}.json`), () => JSON.stringify(plan), KEEP);
}

/** Plans kept at most (one per distinct command line); the oldest go first. */
const KEEP = 64;
