import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { sha256File, writeJsonAtomic } from '../../../lib/atomic.js';
import { failure } from '../../../lib/errors.js';
import type { Layout } from '../../../lib/home.js';
import { withLock } from '../../../lib/lock.js';
import { KNOWN_SOURCES, type SourceName } from '../../../sources/known-sources.js';
import { readLock } from '../../../sources/lock.js';
import { fixupFiles, fixupsDir } from './fixups.js';
import { hostSignature } from './host.js';
import { planInstall, sourceProblems, TOOLCHAIN_SOURCES, type PinnedSource } from './plan.js';
import { buildRoot, LINKED_STEPS, lockPath, planInPlace, readInstallRecord, recordPath, storeRoot } from './record.js';

export type { InstallOptions, InstallResult } from './run-install.js';
import type { InstallOptions, InstallResult } from './run-install.js';

/** How many `unik sources add` lines a missing-sources error shows before "… and N more". */
const SHOWN = 5;

/** The toolchain's sources as the cache recorded them, or one error naming every missing or re-pinned one. */
function pinnedSources(l: Layout): Record<SourceName, PinnedSource> {
  const lock = readLock(l);
  const recorded = Object.fromEntries(
    TOOLCHAIN_SOURCES.map((n) => [n, lock.sources[n] ? { ref: lock.sources[n].ref, present: existsSync(lock.sources[n].path) } : undefined]),
  );
  const problems = sourceProblems(recorded, (n) => KNOWN_SOURCES[n].ref);
  if (problems.length) {
    const lines = problems.map(
      (p) => `  unik sources add ${p.name} [GIT-URL-OR-DIR]${p.problem === 'other-ref' ? ` --ref ${KNOWN_SOURCES[p.name].ref}   (it is at ${p.ref})` : ''}   (default ${KNOWN_SOURCES[p.name].url})`,
    );
    throw failure(
      `the MirageOS toolchain needs ${problems.length} source(s) missing from or re-pinned in ${l.sources}: ${problems.map((p) => p.name).join(', ')} (scripts/setup.sh adds them all)`,
      [...lines.slice(0, SHOWN), ...(lines.length > SHOWN ? [`  … and ${lines.length - SHOWN} more the same way`] : [])].join('\n'),
    );
  }
  return Object.fromEntries(TOOLCHAIN_SOURCES.map((n) => [n, { ref: lock.sources[n]!.ref, commit: lock.sources[n]!.commit, path: lock.sources[n]!.path }])) as Record<SourceName, PinnedSource>;
}

async function hashFixups(root: string): Promise<Record<string, string>> {
  return Object.fromEntries(await Promise.all(fixupFiles().map(async (f) => [f, await sha256File(join(root, f))] as const)));
}

/**
 * `unik toolchain install mirage`: Solo5, ocaml-solo5, the mirage CLI and the duniverse seed from the pinned
 * sources, offline. Deciding that nothing needs doing reads the record, sources.json, the fixups and a few stats
 * (the host is probed again only when dpkg or PATH changed since the record); the build itself loads on demand.
 */
export async function installMirage(l: Layout, opts: InstallOptions = {}): Promise<InstallResult> {
  const t0 = performance.now();
  const recorded = readInstallRecord(l);
  const probed = recorded?.host.signature === hostSignature() ? null : await (await import('./host-probe.js')).probeHost();
  const host = probed ?? recorded!.host;
  const sources = pinnedSources(l);
  const fixups = await hashFixups(fixupsDir());
  const plan = planInstall(sources, fixups, host);
  const inPlace = planInPlace(l, plan);
  // The same toolchain after an unrelated dpkg change: remember the new signature, so the next no-op probes nothing.
  if (inPlace && probed) await writeJsonAtomic(recordPath(l), { ...recorded!, host: probed });
  const built = inPlace ? null : await (await import('./run-install.js')).runInstall(l, plan, { host, sources, fixups }, opts);
  const seconds = Math.round((performance.now() - t0) / 10) / 100;
  if (built) return { toolchain: 'mirage', id: plan.id, changed: true, ...built, record: recordPath(l), seconds };
  return {
    toolchain: 'mirage', id: plan.id, changed: false, steps: plan.steps.map((s) => ({ name: s.name, key: s.key, state: 'done', seconds: 0 })),
    record: recordPath(l), logPath: null, seconds,
  };
}

/** `unik toolchain remove mirage`: the links, store, build copies and record unik made; hand-made dirs stay. */
export async function removeMirage(l: Layout): Promise<{ removed: boolean; left: string[] }> {
  return withLock(lockPath(l), async () => {
    const had = existsSync(recordPath(l)) || existsSync(storeRoot(l));
    const left: string[] = [];
    for (const name of LINKED_STEPS) {
      const link = join(l.toolchains, name);
      const st = await fsp.lstat(link).catch(() => null);
      if (st?.isSymbolicLink()) await fsp.rm(link);
      else if (st) left.push(link);
    }
    await Promise.all([storeRoot(l), buildRoot(l), recordPath(l)].map((p) => fsp.rm(p, { recursive: true, force: true })));
    return { removed: had, left };
  });
}
