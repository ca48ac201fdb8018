import type { SourceName } from '../../sources/known-sources.js';

/**
 * The OCaml libraries a MirageOS 4.10 unikernel compiles from its duniverse/, and which ones each build needs.
 * `make depend` (opam-monorepo) would fetch them; offline, unik copies them from the duniverse seed that
 * `unik toolchain install mirage` makes ($UNIK_HOME/toolchains/duniverse/<dir>) out of the sources cache, where
 * each is a known source of the same name, pinned in sources/known-sources.ts.
 */
export const DUNIVERSE = [
  'mirage', 'mirage-solo5', 'lwt', 'cmdliner', 'cmdliner-stdlib', 'fmt', 'logs', 'ptime', 'mtime', 'duration', 'bheap',
  'metrics', 'mirage-sleep', 'mirage-bootvar', 'mirage-logs', 'mirage-mtime', 'mirage-ptime', 'mirage-crypto', 'eqaf',
  'digestif', 'mirage-unix', 'tcpip', 'ethernet', 'arp', 'mirage-net-solo5', 'mirage-net', 'cstruct', 'mirage-flow',
  'ipaddr', 'domain-name', 'lru', 'psq', 'lwt-dllist', 'randomconv', 'mirage-block-solo5', 'mirage-block',
  'crunch', 'mirage-kv', 'mirage-kv-mem', 'optint',
] as const satisfies readonly SourceName[];

export type DuniverseDir = (typeof DUNIVERSE)[number];

/**
 * Every Solo5 unikernel, even console-only. mirage-crypto, digestif and eqaf are the default RNG, linked only where
 * the app keeps it (mirageNeedsRng); the seed copy costs only hard links.
 */
const SOLO5_BASE: DuniverseDir[] = [
  'bheap', 'cmdliner', 'cmdliner-stdlib', 'digestif', 'duration', 'eqaf', 'fmt', 'logs', 'lwt', 'metrics', 'mirage',
  'mirage-bootvar', 'mirage-crypto', 'mirage-logs', 'mirage-mtime', 'mirage-ptime', 'mirage-sleep', 'mirage-solo5', 'ptime',
];

/** stackv4v6 over a Solo5 NIC. */
const SOLO5_NET: DuniverseDir[] = [
  'arp', 'cstruct', 'domain-name', 'ethernet', 'ipaddr', 'lru', 'lwt-dllist', 'mirage-flow', 'mirage-net', 'mirage-net-solo5',
  'psq', 'randomconv', 'tcpip',
];

/** The unix target (the bench twin): mirage-unix and mtime instead of the Solo5 bindings. */
export const UNIX_CONSOLE: DuniverseDir[] = [
  'cmdliner', 'cmdliner-stdlib', 'digestif', 'duration', 'eqaf', 'fmt', 'logs', 'lwt', 'mirage', 'mirage-bootvar',
  'mirage-crypto', 'mirage-logs', 'mirage-mtime', 'mirage-ptime', 'mirage-sleep', 'mirage-unix', 'mtime', 'ptime',
];

const SOLO5_BLOCK: DuniverseDir[] = ['cstruct', 'mirage-block', 'mirage-block-solo5'];

/** `files:` as mirage's crunch store: ocaml-crunch (a build tool) and the in-memory Mirage_kv.RO it fills. */
export const KV_STORE: DuniverseDir[] = ['crunch', 'mirage-kv', 'mirage-kv-mem', 'optint'];

/** Pure: the duniverse a Solo5 build needs, sorted, each once. */
export function solo5Duniverse(need: { net: boolean; block: boolean; kv?: boolean }): DuniverseDir[] {
  return [...new Set([...SOLO5_BASE, ...(need.net ? SOLO5_NET : []), ...(need.block ? SOLO5_BLOCK : []), ...(need.kv ? KV_STORE : [])])].sort();
}

/** opam packages a seeded library provides besides the one named like its directory. */
const ALSO_PROVIDES: Partial<Record<DuniverseDir, readonly string[]>> = {
  'mirage-crypto': ['mirage-crypto-rng'],
  ipaddr: ['macaddr'],
  mirage: ['mirage-runtime'],
};

/** Every OCaml package the seed can provide, each → the seeded directory that holds it. */
export const SEED_PACKAGES: ReadonlyMap<string, DuniverseDir> = new Map(
  DUNIVERSE.flatMap((d) => [[d, d] as const, ...(ALSO_PROVIDES[d] ?? []).map((p) => [p, d] as const)]),
);

/** Pure: the seeded directories behind an app's extra packages, and the packages the seed cannot provide. */
export function packageDirs(packages: readonly string[]): { dirs: DuniverseDir[]; unknown: string[] } {
  const dirs = packages.flatMap((p) => SEED_PACKAGES.get(p) ?? []);
  return { dirs: [...new Set(dirs)].sort(), unknown: packages.filter((p) => !SEED_PACKAGES.has(p)) };
}
