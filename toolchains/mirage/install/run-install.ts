import { existsSync, promises as fsp } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative } from 'node:path';
import { tempSibling, writeJsonAtomic } from '../../../lib/atomic.js';
import { logPathFor, type Layout } from '../../../lib/home.js';
import { withLock } from '../../../lib/lock.js';
import { openStepRunner } from '../../../lib/steps.js';
import { unikVersion } from '../../../lib/version.js';
import type { SourceName } from '../../../sources/known-sources.js';
import { fixupsDir } from './fixups.js';
import type { HostFacts } from './host.js';
import type { ProgressSink } from '../../../lib/progress.js';
import type { InstallPlan, PinnedSource, StepName } from './plan.js';
import { RECIPES } from './recipes.js';
import { buildRoot, LINKED_STEPS, linkTarget, lockPath, planInPlace, recordPath, STAMP, stepDir, storeRoot, type InstallRecord } from './record.js';

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

export interface InstallInputs {
  host: HostFacts;
  sources: Record<SourceName, PinnedSource>;
  /** Fixup file → sha256. */
  fixups: Record<string, string>;
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
    await fsp.symlink(target, tmp);
    const st = await fsp.lstat(link).catch(() => null);
    if (st && !st.isSymbolicLink()) {
      const aside = tempSibling(link);
      await fsp.rename(link, aside);
      await fsp.rename(tmp, link);
      await fsp.rm(aside, { recursive: true, force: true });
    } else {
      await fsp.rename(tmp, link);
    }
  }
}

/** Store directories no longer in the plan (earlier installs, half-done steps) and the build copies go. */
async function collectGarbage(l: Layout, plan: InstallPlan): Promise<void> {
  const keep = new Set(plan.steps.map((s) => stepDir(l, s)));
  for (const name of await fsp.readdir(storeRoot(l)).catch(() => [])) {
    if (!keep.has(join(storeRoot(l), name))) await fsp.rm(join(storeRoot(l), name), { recursive: true, force: true });
  }
  await fsp.rm(buildRoot(l), { recursive: true, force: true });
}

function installRecord(l: Layout, plan: InstallPlan, { host, sources, fixups }: InstallInputs): InstallRecord {
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
  return { toolchain: 'mirage', id: plan.id, installedAt: new Date().toISOString(), unikVersion: unikVersion(), host, steps };
}

/**
 * Run the steps the plan lacks, under the install lock. Each step builds in place in its own store directory (the
 * prefix is compiled into Solo5 and ocaml-solo5, so it cannot be built elsewhere and moved) and is stamped when
 * done; a directory without its stamp is half done and is redone from a clean build copy. The links and the
 * record change only when every step is done. null: another unik finished the same install meanwhile.
 */
export async function runInstall(l: Layout, plan: InstallPlan, inputs: InstallInputs, opts: InstallOptions): Promise<Pick<InstallResult, 'steps' | 'logPath'> | null> {
  return withLock(lockPath(l), async () => {
    if (planInPlace(l, plan)) return null;
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
        await Promise.all([fsp.rm(out, { recursive: true, force: true }), fsp.rm(build, { recursive: true, force: true })]);
        await Promise.all([fsp.mkdir(out, { recursive: true }), fsp.mkdir(build, { recursive: true })]);
        await RECIPES[s.name]({ run, out, build, sources: inputs.sources, host: inputs.host, done, fixups: fixupsDir(), jobs: String(cpus().length) });
        const seconds = Math.round((performance.now() - t) / 100) / 10;
        await writeJsonAtomic(join(out, STAMP), { step: s.name, key: s.key, inputs: s.inputs, seconds, finishedAt: new Date().toISOString() });
        await fsp.rm(build, { recursive: true, force: true });
        steps.push({ name: s.name, key: s.key, state: 'built', seconds });
      }
      await activate(l, plan);
      await writeJsonAtomic(recordPath(l), installRecord(l, plan, inputs));
      await collectGarbage(l, plan);
    } finally {
      await run.close();
    }
    return { steps, logPath: run.logPath };
  }, opts.onWait);
}
