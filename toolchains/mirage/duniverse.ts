/**
 * The OCaml libraries a MirageOS 4.10 unikernel compiles from its duniverse/, and which ones each build needs.
 * `make depend` (opam-monorepo) would fetch them; offline, unik copies them from its sources cache
 * ($UNIK_HOME/sources/duniverse/<dir>). Pins: versions that build together with OCaml 4.13 and dune 2.9.
 */
export const DUNIVERSE = {
  mirage: { url: 'https://github.com/mirage/mirage.git', ref: 'v4.10.0' },
  'mirage-solo5': { url: 'https://github.com/mirage/mirage-solo5.git', ref: 'v0.10.0' },
  lwt: { url: 'https://github.com/ocsigen/lwt.git', ref: '5.6.1' },
  cmdliner: { url: 'https://github.com/dbuenzli/cmdliner.git', ref: 'v1.3.0' },
  'cmdliner-stdlib': { url: 'https://github.com/mirage/cmdliner-stdlib.git', ref: '1.0.1' },
  fmt: { url: 'https://github.com/dbuenzli/fmt.git', ref: 'v0.9.0', note: 'topkg only: needs dune files added' },
  logs: { url: 'https://github.com/dune-universe/logs.git', ref: 'v0.7.0+dune', note: 'drop (libraries result) from its dune' },
  ptime: { url: 'https://github.com/dune-universe/ptime.git', ref: 'v1.2.0+dune' },
  mtime: { url: 'https://github.com/dbuenzli/mtime.git', ref: 'v2.1.0', note: 'topkg only: needs dune files added' },
  duration: { url: 'https://github.com/hannesm/duration.git', ref: 'v0.2.1' },
  bheap: { url: 'https://github.com/backtracking/bheap.git', ref: '2.0.0' },
  metrics: { url: 'https://github.com/mirage/metrics.git', ref: 'v0.5.0' },
  'mirage-sleep': { url: 'https://github.com/mirage/mirage-sleep.git', ref: 'v4.0.0' },
  'mirage-bootvar': { url: 'https://github.com/mirage/mirage-bootvar.git', ref: 'v1.0.1' },
  'mirage-logs': { url: 'https://github.com/mirage/mirage-logs.git', ref: 'v3.0.0', note: 'lower (lang dune 3.0) to 2.9' },
  'mirage-mtime': { url: 'https://github.com/mirage/mirage-mtime.git', ref: 'v5.2.0' },
  'mirage-ptime': { url: 'https://github.com/mirage/mirage-ptime.git', ref: 'v5.1.0' },
  'mirage-crypto': { url: 'https://github.com/mirage/mirage-crypto.git', ref: 'v2.0.2' },
  eqaf: { url: 'https://github.com/mirage/eqaf.git', ref: 'v0.10' },
  digestif: { url: 'https://github.com/mirage/digestif.git', ref: 'v1.3.0' },
  'mirage-unix': { url: 'https://github.com/mirage/mirage-unix.git', ref: 'v5.0.1' },
  tcpip: { url: 'https://github.com/mirage/mirage-tcpip.git', ref: 'v9.0.1' },
  ethernet: { url: 'https://github.com/mirage/ethernet.git', ref: 'v3.2.0' },
  arp: { url: 'https://github.com/mirage/arp.git', ref: 'v4.0.0' },
  'mirage-net-solo5': { url: 'https://github.com/mirage/mirage-net-solo5.git', ref: 'v0.8.0' },
  'mirage-net': { url: 'https://github.com/mirage/mirage-net.git', ref: 'v4.0.0' },
  cstruct: { url: 'https://github.com/mirage/ocaml-cstruct.git', ref: 'v6.2.0' },
  'mirage-flow': { url: 'https://github.com/mirage/mirage-flow.git', ref: 'v5.0.0' },
  ipaddr: { url: 'https://github.com/mirage/ocaml-ipaddr.git', ref: 'v5.6.1' },
  'domain-name': { url: 'https://github.com/hannesm/domain-name.git', ref: 'v0.4.1' },
  lru: { url: 'https://github.com/pqwy/lru.git', ref: 'v0.3.1' },
  psq: { url: 'https://github.com/pqwy/psq.git', ref: 'v0.2.1' },
  'lwt-dllist': { url: 'https://github.com/mirage/lwt-dllist.git', ref: 'v1.0.1' },
  randomconv: { url: 'https://github.com/hannesm/randomconv.git', ref: 'v0.2.0' },
  // block_of_file on Solo5 (mirage 4.10 asks for >= 0.8.0 < 0.9.0).
  'mirage-block-solo5': { url: 'https://github.com/mirage/mirage-block-solo5.git', ref: 'v0.8.1' },
  'mirage-block': { url: 'https://github.com/mirage/mirage-block.git', ref: 'v3.0.2' },
} as const satisfies Record<string, { url: string; ref: string; note?: string }>;

export type DuniverseDir = keyof typeof DUNIVERSE;

/** Every Solo5 unikernel, even console-only: mirage 4.10 links the default RNG (mirage-crypto) into all of them. */
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

/** Pure: the duniverse a Solo5 build needs, sorted, each once. */
export function solo5Duniverse(need: { net: boolean; block: boolean }): DuniverseDir[] {
  return [...new Set([...SOLO5_BASE, ...(need.net ? SOLO5_NET : []), ...(need.block ? SOLO5_BLOCK : [])])].sort();
}

/** opam packages a seeded library provides besides the one named like its directory. */
const ALSO_PROVIDES: Partial<Record<DuniverseDir, readonly string[]>> = {
  'mirage-crypto': ['mirage-crypto-rng'],
  ipaddr: ['macaddr'],
  mirage: ['mirage-runtime'],
};

/** Every OCaml package the seed can provide, each → the seeded directory that holds it. */
export const SEED_PACKAGES: ReadonlyMap<string, DuniverseDir> = new Map(
  (Object.keys(DUNIVERSE) as DuniverseDir[]).flatMap((d) => [[d, d] as const, ...(ALSO_PROVIDES[d] ?? []).map((p) => [p, d] as const)]),
);

/** Pure: the seeded directories behind an app's extra packages, and the packages the seed cannot provide. */
export function packageDirs(packages: readonly string[]): { dirs: DuniverseDir[]; unknown: string[] } {
  const dirs = packages.flatMap((p) => SEED_PACKAGES.get(p) ?? []);
  return { dirs: [...new Set(dirs)].sort(), unknown: packages.filter((p) => !SEED_PACKAGES.has(p)) };
}
