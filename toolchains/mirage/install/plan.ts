import { createHash } from 'node:crypto';
import type { SourceName } from '../../../sources/known-sources.js';
import { DUNIVERSE } from '../duniverse.js';
import { FIXUPS, fixupFiles } from './fixups.js';
import type { HostFacts } from './host.js';

/**
 * The MirageOS toolchain install as data: four steps, each with the inputs that shape its output. A step's key
 * hashes those inputs (and its dependencies' keys), so a changed pin, fixup or host compiler is a new build in
 * a new directory, and an unchanged one is found done.
 */
export type StepName = 'solo5' | 'ocaml-solo5' | 'mirage' | 'duniverse';

/** A source as the sources cache recorded it (sources.json): what a step builds from. */
export interface PinnedSource {
  ref: string;
  commit: string;
  path: string;
}

export interface PlannedStep {
  name: StepName;
  /** 16 hex digits of sha256 over `inputs`. */
  key: string;
  /** Sources it builds from, each at its recorded commit. */
  sources: SourceName[];
  /** Fixup files it applies (relative to the fixups dir). */
  fixups: string[];
  /** Everything hashed into the key. */
  inputs: Record<string, unknown>;
}

export interface InstallPlan {
  /** Hash of the steps' keys: the install record's id and the MirageOS part of image cache keys. */
  id: string;
  steps: PlannedStep[];
}

/** Bump a step's recipe when its commands change, so existing installs rebuild it. */
const RECIPE: Record<StepName, number> = { solo5: 1, 'ocaml-solo5': 2, mirage: 1, duniverse: 1 };

const MIRAGE_CLI: SourceName[] = ['mirage', 'emile', 'pecu'];

/** Every source the install needs, each once. */
export const TOOLCHAIN_SOURCES: readonly SourceName[] = [...new Set<SourceName>(['solo5', 'ocaml-solo5', ...MIRAGE_CLI, ...DUNIVERSE])];

const hash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

/** Pure: the plan for these sources, fixup hashes (file → sha256) and host. */
export function planInstall(sources: Record<SourceName, PinnedSource>, fixupHashes: Record<string, string>, host: HostFacts): InstallPlan {
  const commits = (names: readonly SourceName[]) => Object.fromEntries(names.map((n) => [n, sources[n].commit]));
  const step = (name: StepName, names: readonly SourceName[], fixups: string[], more: Record<string, unknown>): PlannedStep => {
    const inputs = { recipe: RECIPE[name], sources: commits(names), fixups: Object.fromEntries(fixups.map((f) => [f, fixupHashes[f]])), ...more };
    return { name, key: hash(inputs), sources: [...names], fixups, inputs };
  };
  const solo5 = step('solo5', ['solo5'], fixupFiles(FIXUPS.filter((f) => f.target === 'solo5')), {});
  // The cross compiler is built from the host's own OCaml source with Solo5's cc wrapper and headers: it depends
  // on Solo5's commit, not on Solo5's fixups, which change the bindings linked into each unikernel.
  const ocamlSolo5 = step('ocaml-solo5', ['ocaml-solo5'], [], { solo5: sources.solo5.commit, ocaml: host.ocaml, ocamlSource: host.packages['ocaml-source'] });
  // The mirage CLI links Debian's OCaml libraries: any of their versions changing is a rebuild.
  const ocamlPackages = Object.fromEntries(Object.entries(host.packages).filter(([p]) => p.includes('ocaml')).sort());
  const mirage = step('mirage', MIRAGE_CLI, fixupFiles(FIXUPS.filter((f) => f.target === 'mirage-workspace')), { ocaml: host.ocaml, dune: host.dune, packages: ocamlPackages });
  const seedFixups = fixupFiles(FIXUPS.filter((f) => (DUNIVERSE as readonly string[]).includes(f.target)));
  const duniverse = step('duniverse', DUNIVERSE, seedFixups, {});
  const steps = [solo5, ocamlSolo5, mirage, duniverse];
  return { id: hash(steps.map((s) => s.key)), steps };
}

/** Pure: the sources the plan cannot use, each with why: absent from the cache, or at another ref than pinned. */
export interface SourceProblem {
  name: SourceName;
  problem: 'missing' | 'other-ref';
  /** The ref it is at (other-ref). */
  ref?: string;
}

export function sourceProblems(recorded: Partial<Record<SourceName, { ref: string; present: boolean }>>, pinned: (name: SourceName) => string): SourceProblem[] {
  return TOOLCHAIN_SOURCES.flatMap((name): SourceProblem[] => {
    const r = recorded[name];
    if (!r?.present) return [{ name, problem: 'missing' }];
    return r.ref === pinned(name) ? [] : [{ name, problem: 'other-ref', ref: r.ref }];
  });
}
