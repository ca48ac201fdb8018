import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Layout } from '../../../lib/home.js';
import type { HostFacts } from './host.js';
import type { InstallPlan, StepName } from './plan.js';

/**
 * What `unik toolchain install mirage` built, written last (atomically) when every step is done and in place:
 * $UNIK_HOME/toolchains/mirage.install.json. `unik doctor` and image records show it; its id is the MirageOS
 * part of the build cache key, so a cache hit reads this one file instead of asking git and the tools.
 */
export interface InstallRecord {
  toolchain: 'mirage';
  id: string;
  installedAt: string;
  unikVersion: string;
  /** The host facts it was built for, with their stat signature (reused by a no-op while it holds). */
  host: HostFacts;
  steps: Record<StepName, RecordedStep>;
}

export interface RecordedStep {
  key: string;
  /** The step's directory in the store (the compiled-in prefix for solo5 and ocaml-solo5). */
  dir: string;
  /** Each source at the ref and commit it was built from. */
  sources: Record<string, { ref: string; commit: string }>;
  /** Fixup file → sha256. */
  fixups: Record<string, string>;
}

/** The links unik's finder looks at ($UNIK_HOME/toolchains/<step>), each to its step's store directory. */
export const LINKED_STEPS: readonly StepName[] = ['solo5', 'ocaml-solo5', 'mirage', 'duniverse'];

export const recordPath = (l: Layout): string => join(l.toolchains, 'mirage.install.json');
export const storeRoot = (l: Layout): string => join(l.toolchains, 'store');
export const stepDir = (l: Layout, step: { name: StepName; key: string }): string => join(storeRoot(l), `${step.name}-${step.key}`);
/** Build copies (clones of the sources cache, fixups applied) live here while a step runs. */
export const buildRoot = (l: Layout): string => join(l.builds, 'toolchain-mirage');
export const lockPath = (l: Layout): string => join(l.toolchains, '.mirage.lock');
/** Written into a step's directory when the step has finished; a directory without it is half done. */
export const STAMP = '.unik-step.json';

export function readInstallRecord(l: Layout): InstallRecord | null {
  try {
    return JSON.parse(readFileSync(recordPath(l), 'utf8')) as InstallRecord;
  } catch {
    return null;
  }
}

/** The target of $UNIK_HOME/toolchains/<name>, null when it is no link. */
export function linkTarget(l: Layout, name: StepName): string | null {
  try {
    return readlinkSync(join(l.toolchains, name));
  } catch {
    return null;
  }
}

/**
 * The record of the toolchain in place: every link points at its recorded, finished step (a few readlinks and
 * stats). null when there is no record or the links say otherwise (an install under way, a hand-made toolchain).
 */
export function installedRecord(l: Layout): InstallRecord | null {
  const r = readInstallRecord(l);
  if (!r) return null;
  // By name, not path: a test's UNIK_HOME may reach the product's toolchains through a link.
  const ok = LINKED_STEPS.every((n) => r.steps[n] && linkTarget(l, n)?.split('/').at(-1) === basename(r.steps[n].dir) && existsSync(join(l.toolchains, n, STAMP)));
  return ok ? r : null;
}

/** The plan is what is installed: nothing to do. */
export const planInPlace = (l: Layout, plan: InstallPlan): boolean => installedRecord(l)?.id === plan.id;

const short = (c: string) => c.slice(0, 8);

/** Pure: what shapes an image from the toolchain, for the build cache key and the image record. */
export function recordFingerprint(r: InstallRecord): Record<string, string> {
  const s = r.steps;
  return {
    'mirage-toolchain': r.id,
    mirage: s.mirage.sources.mirage!.ref,
    solo5: s.solo5.sources.solo5!.ref,
    'ocaml-solo5': `${s['ocaml-solo5'].sources['ocaml-solo5']!.ref} ${short(s['ocaml-solo5'].sources['ocaml-solo5']!.commit)}`,
    ocaml: r.host.ocaml,
    dune: r.host.dune,
    duniverse: s.duniverse.key,
  };
}

/** Pure: one line for `unik doctor` and `unik toolchain list`. */
export function recordSummary(r: InstallRecord): string {
  const s = r.steps;
  const src = (step: StepName, name: string) => `${s[step].sources[name]!.ref} (${short(s[step].sources[name]!.commit)})`;
  const fixups = Object.values(s).reduce((n, step) => n + Object.keys(step.fixups).length, 0);
  return (
    `mirage ${src('mirage', 'mirage')}, solo5 ${src('solo5', 'solo5')}, ocaml-solo5 ${src('ocaml-solo5', 'ocaml-solo5')} for OCaml ${r.host.ocaml}, ` +
    `dune ${r.host.dune}, ${Object.keys(s.duniverse.sources).length} seeded libraries, ${fixups} fixup files; id ${r.id}, installed ${r.installedAt.slice(0, 10)}`
  );
}

/** `unik toolchain list`: one toolchain's state, from its record and links alone. */
export interface ToolchainStatus {
  name: 'mirage';
  /** installed: record and links agree; incomplete: a record whose links or steps are gone or being replaced. */
  state: 'installed' | 'incomplete' | 'not installed';
  id: string | null;
  installedAt: string | null;
  summary: string | null;
  record: string;
}

export function mirageStatus(l: Layout): ToolchainStatus {
  const r = readInstallRecord(l);
  const ok = installedRecord(l);
  return {
    name: 'mirage',
    state: ok ? 'installed' : r ? 'incomplete' : 'not installed',
    id: r?.id ?? null,
    installedAt: r?.installedAt ?? null,
    summary: r ? recordSummary(r) : null,
    record: recordPath(l),
  };
}
