import { existsSync } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm, symlink } from 'node:fs/promises';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { sha256File, tempSibling, writeJsonAtomic } from '../../../lib/atomic.js';
import { failure } from '../../../lib/errors.js';
import { logPathFor, type Layout } from '../../../lib/home.js';
import { withLock } from '../../../lib/lock.js';
import type { ProgressSink } from '../../../lib/progress.js';
import { openStepRunner } from '../../../lib/steps.js';
import { unikVersion } from '../../../lib/version.js';
import { readLock } from '../../../sources/cache.js';
import { KNOWN_SOURCES, type SourceName } from '../../../sources/known-sources.js';
import { fixupFiles, fixupsDir } from './fixups.js';
import { probeHost, type HostFacts } from './host.js';
import { planInstall, sourceProblems, TOOLCHAIN_SOURCES, type InstallPlan, type PinnedSource, type StepName } from './plan.js';
import { RECIPES } from './recipes.js';
import {
  buildRoot, LINKED_STEPS, linkTarget, lockPath, readInstallRecord, recordPath, STAMP, stepDir, storeRoot, type InstallRecord,
} from './record.js';

export interface InstallResult {
  toolchain: 'mirage';
  id: string;
  /** false: the record already matched the plan and nothing ran. */
  changed: boolean;
  steps: { name: StepName; key: string; state: 'built' | 'done'; seconds: number }[];
  record: string;
  logPath: string | null;
  seconds: number;
}

export interface InstallOptions {
  progress?: ProgressSink;
  /** Told once when another unik holds the install lock. */
  onWait?: (pid: number) => void;
}

/** The toolchain's sources as the cache recorded them, or one error naming every missing or re-pinned one. */
function pinnedSources(l: Layout): Record<SourceName, PinnedSource> {
  const lock = readLock(l);
  const recorded = Object.fromEntries(
    TOOLCHAIN_SOURCES.map((n) => [n, lock.sources[n] ? { ref: lock.sources[n].ref, present: existsSync(lock.sources[n].path) } : undefined]),
  );
  const problems = sourceProblems(recorded, (n) => KNOWN_SOURCES[n].ref);
  if (problems.length) {
    throw failure(
      `the MirageOS toolchain needs ${problems.length} source(s) ${problems.every((p) => p.problem === 'missing') ? 'missing from' : 'missing from or re-pinned in'} ${l.sources}: ${problems.map((p) => p.name).join(', ')} (scripts/setup.sh adds them all)`,
      problems
        .map((p) => `  unik sources add ${p.name} [GIT-URL-OR-DIR]${p.problem === 'other-ref' ? ` --ref ${KNOWN_SOURCES[p.name].ref}   (it is at ${p.ref})` : ''}   (default ${KNOWN_SOURCES[p.name].url})`)
        .join('\n'),
    );
  }
  return Object.fromEntries(TOOLCHAIN_SOURCES.map((n) => [n, { ref: lock.sources[n]!.ref, commit: lock.sources[n]!.commit, path: lock.sources[n]!.path }])) as Record<SourceName, PinnedSource>;
}

async function hashFixups(root: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(fixupFiles().map(async (f) => [f, await sha256File(join(root, f))] as const)));
}

/** The record matches the plan and every link points at its finished step: nothing to do. */
function installed(l: Layout, plan: InstallPlan): boolean {
  if (readInstallRecord(l)?.id !== plan.id) return false;
  return plan.steps.every((s) => linkTarget(l, s.name) === relative(l.toolchains, stepDir(l, s)) && existsSync(join(stepDir(l, s), STAMP)));
}

/**
 * Point $UNIK_HOME/toolchains/<step> at the step's store directory, each by an atomic rename of a new link.
 * A directory there that is not a link (a toolchain built by hand) is moved aside first, then removed.
 */
async function activate(l: Layout, plan: InstallPlan): Promise<void> {
  for (const s of plan.steps.filter((x) => LINKED_STEPS.includes(x.name))) {
    const link = join(l.toolchains, s.name);
    const target = relative(l.toolchains, stepDir(l, s));
    if (linkTarget(l, s.name) === target) continue;
    const tmp = tempSibling(link);
    await symlink(target, tmp);
    const st = await lstat(link).catch(() => null);
    if (st && !st.isSymbolicLink()) {
      const aside = tempSibling(link);
      await rename(link, aside);
      await rename(tmp, link);
      await rm(aside, { recursive: true, force: true });
    } else {
      await rename(tmp, link);
    }
  }
}

/** Store directories no longer in the record (earlier installs, half-done steps) and the build copies go. */
async function collectGarbage(l: Layout, plan: InstallPlan): Promise<void> {
  const keep = new Set(plan.steps.map((s) => stepDir(l, s)));
  for (const name of await readdir(storeRoot(l)).catch(() => [])) {
    if (!keep.has(join(storeRoot(l), name))) await rm(join(storeRoot(l), name), { recursive: true, force: true });
  }
  await rm(buildRoot(l), { recursive: true, force: true });
}

function record(plan: InstallPlan, l: Layout, host: HostFacts, sources: Record<SourceName, PinnedSource>, fixups: Record<string, string>): InstallRecord {
  const steps = Object.fromEntries(
    plan.steps.map((s) => [
      s.name,
      {
        key: s.key,
        dir: stepDir(l, s),
        sources: Object.fromEntries(s.sources.map((n) => [n, { ref: sources[n].ref, commit: sources[n].commit }])),
        fixups: Object.fromEntries(s.fixups.map((f) => [f, fixups[f]!])),
      },
    ]),
  ) as InstallRecord['steps'];
  return { toolchain: 'mirage', id: plan.id, installedAt: new Date().toISOString(), unikVersion: unikVersion(), host: { ocaml: host.ocaml, dune: host.dune, packages: host.packages }, steps };
}

/**
 * `unik toolchain install mirage`: Solo5, ocaml-solo5, the mirage CLI and the duniverse seed from the pinned
 * sources, offline. Each step builds in place in its own store directory (the prefix is compiled in, so it
 * cannot be built elsewhere and moved) and is stamped when done; an interrupted step is redone from a clean
 * build copy. The links and the record change only when every step is done.
 */
export async function installMirage(l: Layout, opts: InstallOptions = {}): Promise<InstallResult> {
  const t0 = performance.now();
  const elapsed = () => Math.round((performance.now() - t0) / 10) / 100;
  const [host, fixups] = await Promise.all([probeHost(), hashFixups(fixupsDir())]);
  const sources = pinnedSources(l);
  const plan = planInstall(sources, fixups, host);
  const unchanged = (): InstallResult => ({
    toolchain: 'mirage', id: plan.id, changed: false, steps: plan.steps.map((s) => ({ name: s.name, key: s.key, state: 'done', seconds: 0 })),
    record: recordPath(l), logPath: null, seconds: elapsed(),
  });
  if (installed(l, plan)) return unchanged();

  return withLock(lockPath(l), async () => {
    // Another unik may have finished the same install while this one waited.
    if (installed(l, plan)) return unchanged();
    const run = await openStepRunner(logPathFor(l, 'toolchain', 'mirage'), opts.progress);
    const steps: InstallResult['steps'] = [];
    const done: Partial<Record<StepName, string>> = {};
    try {
      for (const s of plan.steps) {
        const out = stepDir(l, s);
        done[s.name] = out;
        if (existsSync(join(out, STAMP))) {
          steps.push({ name: s.name, key: s.key, state: 'done', seconds: 0 });
          continue;
        }
        const t = performance.now();
        const build = join(buildRoot(l), s.name);
        await Promise.all([rm(out, { recursive: true, force: true }), rm(build, { recursive: true, force: true })]);
        await Promise.all([mkdir(out, { recursive: true }), mkdir(build, { recursive: true })]);
        await RECIPES[s.name]({ run, out, build, sources, host, done, fixups: fixupsDir(), jobs: String(cpus().length) });
        const seconds = Math.round((performance.now() - t) / 100) / 10;
        await writeJsonAtomic(join(out, STAMP), { step: s.name, key: s.key, inputs: s.inputs, seconds, finishedAt: new Date().toISOString() });
        await rm(build, { recursive: true, force: true });
        steps.push({ name: s.name, key: s.key, state: 'built', seconds });
      }
      await activate(l, plan);
      await writeJsonAtomic(recordPath(l), record(plan, l, host, sources, fixups));
      await collectGarbage(l, plan);
    } finally {
      await run.close();
    }
    return { toolchain: 'mirage', id: plan.id, changed: true, steps, record: recordPath(l), logPath: run.logPath, seconds: elapsed() };
  }, opts.onWait);
}

/** `unik toolchain remove mirage`: the links, store, build copies and record unik made; hand-made dirs stay. */
export async function removeMirage(l: Layout): Promise<{ removed: boolean; left: string[] }> {
  return withLock(lockPath(l), async () => {
    const had = existsSync(recordPath(l)) || existsSync(storeRoot(l));
    const left: string[] = [];
    for (const name of LINKED_STEPS) {
      const link = join(l.toolchains, name);
      const st = await lstat(link).catch(() => null);
      if (st?.isSymbolicLink()) await rm(link);
      else if (st) left.push(link);
    }
    await Promise.all([storeRoot(l), buildRoot(l), recordPath(l)].map((p) => rm(p, { recursive: true, force: true })));
    return { removed: had, left };
  });
}
