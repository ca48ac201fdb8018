import type { TargetName } from '../manifest/manifest.js';

/**
 * An archive a framework's build downloads (Unikraft's $(WGET)); unik serves it from its cache instead,
 * checksummed, so builds run offline once the cache is seeded.
 */
export interface ArchiveSpec {
  /** The URL the framework's build asks for. */
  url: string;
  /** File name in unik's archive cache. */
  file: string;
  /** How to produce it from a checked-out source when the URL cannot be reached (git archive of a branch). */
  fromGit?: { format: 'zip' | 'tar.gz'; prefix: string };
}

export interface KnownSource {
  framework: TargetName;
  url: string;
  /** Pinned default: versions known to work together (see docs/sources.md). */
  ref: string;
  description: string;
  archives?: ArchiveSpec[];
  /** URLs of archives this source's build downloads (another source's `archives`): checked before make starts. */
  buildFetches?: readonly string[];
  /**
   * Git submodules the build needs (paths in the superproject), checked out at the commits the superproject
   * pins. `sources add` clones each from the same place as the superproject: a local checkout's own
   * submodule directory, or else the URL in its .gitmodules.
   */
  submodules?: readonly string[];
  /**
   * An OCaml library of the MirageOS toolchain: built with the mirage CLI (emile, pecu) or copied into the
   * duniverse seed. `unik doctor` sums these up in one line.
   */
  library?: boolean;
}

/** An OCaml library on GitHub that `unik toolchain install mirage` builds or seeds. */
const ocamlLibrary = (repo: string, ref: string, role: 'mirage CLI' | 'duniverse seed'): KnownSource => ({
  framework: 'mirage',
  url: `https://github.com/${repo}.git`,
  ref,
  description: role === 'mirage CLI' ? 'OCaml library the mirage CLI needs (not in Debian)' : 'OCaml library of the MirageOS duniverse seed',
  library: true,
});

/** LLVM 14.0.6, the version lib-libcxx, lib-libcxxabi, lib-libunwind and lib-compiler-rt 0.16.0 fetch. */
const llvmArchive = (component: string) => `https://github.com/llvm/llvm-project/releases/download/llvmorg-14.0.6/${component}-14.0.6.src.tar.xz`;

/** A Unikraft library pinned at the release that pairs with core 0.16.3 (their newest 0.16 tag). */
const unikraftLibrary = (name: string, ref: string, description: string, fetches: string): KnownSource => ({
  framework: 'unikraft',
  url: `https://github.com/unikraft/${name}.git`,
  ref,
  description,
  buildFetches: [fetches],
});

/**
 * Where an archive a library build downloads can be had without its upstream URL, for `unik sources add-archive`.
 * musl's is Debian's musl source package's orig tarball, the same bytes (sha256 checked). LLVM's per-component
 * tarballs exist only as GitHub release assets: Debian's llvm-toolchain-14 ships the whole monorepo instead, so
 * `scripts/setup.sh` cuts each component out of it into the directory layout the upstream tarball has (other
 * bytes, the same files); the checksum add-archive records is that file's.
 */
export const ARCHIVE_ORIGINS: Record<string, { sha256?: string; from: string }> = {
  'https://www.musl-libc.org/releases/musl-1.2.3.tar.gz': {
    sha256: '7d5b0b6062521e4627e099e4c9dc8248d32a30285e959b7eecaa780cf8cfd4a4',
    from: "Debian's musl source package (apt-get source --download-only musl: musl_1.2.3.orig.tar.gz is this file)",
  },
  ...Object.fromEntries(
    ['libcxx', 'libcxxabi', 'libunwind', 'compiler-rt'].map((c) => [
      llvmArchive(c),
      { from: `Debian's llvm-toolchain-14 source package: its ${c}/ directory packed as ${c}-14.0.6.src/ (scripts/setup.sh does this)` },
    ]),
  ),
};

/** Every source unik knows by name. Refs are pinned to combinations that build and boot together. */
export const KNOWN_SOURCES = {
  unikraft: {
    framework: 'unikraft',
    url: 'https://github.com/unikraft/unikraft.git',
    // 0.17 pairs with no published lib-lwip (LIBUKSWRAND was renamed); 0.16.3 + lib-lwip 0.16.2 do pair, and
    // 0.16.3's software RNG needs no RDSEED, which QEMU's TCG lacks.
    ref: 'RELEASE-0.16.3',
    description: 'Unikraft core (build system, platforms, drivers)',
  },
  'lib-lwip': {
    framework: 'unikraft',
    url: 'https://github.com/unikraft/lib-lwip.git',
    ref: 'RELEASE-0.16.2',
    description: 'lwIP network stack glue for Unikraft',
    // Its Makefile.uk fetches the lwIP sources (CONFIG_LWIP_UNIKRAFT21X, the default).
    buildFetches: ['https://github.com/unikraft/fork-lwip/archive/refs/heads/UNIKRAFT-2_1_x.zip'],
  },
  'fork-lwip': {
    framework: 'unikraft',
    url: 'https://github.com/unikraft/fork-lwip.git',
    ref: 'UNIKRAFT-2_1_x',
    description: 'lwIP sources; lib-lwip downloads them as an archive',
    archives: [
      {
        url: 'https://github.com/unikraft/fork-lwip/archive/refs/heads/UNIKRAFT-2_1_x.zip',
        file: 'fork-lwip-UNIKRAFT-2_1_x.zip',
        fromGit: { format: 'zip', prefix: 'fork-lwip-UNIKRAFT-2_1_x/' },
      },
    ],
  },
  // A full libc and C++ for Unikraft apps that need them (C++ sources, or `libc: musl`).
  'lib-musl': unikraftLibrary('lib-musl', 'RELEASE-0.16.3', 'musl libc for Unikraft (libc: musl, and every C++ app)', 'https://www.musl-libc.org/releases/musl-1.2.3.tar.gz'),
  'lib-libcxx': unikraftLibrary('lib-libcxx', 'RELEASE-0.16.0', 'LLVM libc++ for Unikraft C++ apps', llvmArchive('libcxx')),
  'lib-libcxxabi': unikraftLibrary('lib-libcxxabi', 'RELEASE-0.16.0', 'LLVM libc++abi for Unikraft C++ apps', llvmArchive('libcxxabi')),
  'lib-libunwind': unikraftLibrary('lib-libunwind', 'RELEASE-0.16.0', 'LLVM libunwind for Unikraft C++ apps', llvmArchive('libunwind')),
  'lib-compiler-rt': unikraftLibrary('lib-compiler-rt', 'RELEASE-0.16.0', 'LLVM compiler-rt builtins for Unikraft C++ apps', llvmArchive('compiler-rt')),
  // `program:` on Unikraft: app-elfloader runs a Linux PIE from the initrd; its libelf is elftoolchain's, in-tree.
  'app-elfloader': {
    framework: 'unikraft',
    url: 'https://github.com/unikraft/app-elfloader.git',
    ref: 'RELEASE-0.16.3',
    description: 'ELF loader app for Unikraft (runs an existing Linux PIE: program: on target unikraft)',
  },
  'lib-libelf': {
    framework: 'unikraft',
    url: 'https://github.com/unikraft/lib-libelf.git',
    ref: 'RELEASE-0.16.0',
    description: "elftoolchain's libelf for Unikraft (app-elfloader needs it)",
  },
  osv: {
    framework: 'osv',
    url: 'https://github.com/cloudius-systems/osv.git',
    // No release tag carries the conf_drivers_* profiles unik relies on; this commit builds and boots here.
    ref: '0e34e4dc2b278b7f64e4169abbf297b7de46fb6b',
    description: 'OSv kernel (with its acpica, musl 1.2.1, musl 0.9.12 and kbuild submodules)',
    // osv-apps (apps/) is not needed: unik builds the app's filesystem itself.
    submodules: ['external/x64/acpica', 'musl_1.2.1', 'musl_0.9.12', 'kbuild'],
  },
  // MirageOS: `unik toolchain install mirage` builds these into $UNIK_HOME/toolchains (see README, MirageOS).
  solo5: {
    framework: 'mirage',
    url: 'https://github.com/Solo5/solo5.git',
    ref: 'v0.12.1',
    description: 'Solo5 bindings and tenders (solo5-spt, solo5-hvt); install into toolchains/solo5',
  },
  'ocaml-solo5': {
    framework: 'mirage',
    url: 'https://github.com/mirage/ocaml-solo5.git',
    // main needs OCaml 5.4; the 4.14 branch builds against the host's OCaml 4.13 (it must match the host).
    ref: '4.14',
    description: 'OCaml cross-compiler for Solo5; install into toolchains/ocaml-solo5',
  },
  mirage: {
    framework: 'mirage',
    url: 'https://github.com/mirage/mirage.git',
    // 4.10.3+ needs cmdliner 2, which Debian 12 lacks.
    ref: 'v4.10.0',
    description: 'mirage CLI and library (configure), and mirage-runtime for the duniverse seed',
  },
  emile: ocamlLibrary('mirage/emile', 'v1.1', 'mirage CLI'),
  pecu: ocamlLibrary('mirage/pecu', 'v0.7', 'mirage CLI'),
  // The libraries a MirageOS 4.10 unikernel compiles from its duniverse/ (what `make depend` would fetch):
  // versions that build together with OCaml 4.13/4.14 and dune 2.9. `mirage` above is one of them.
  'mirage-solo5': ocamlLibrary('mirage/mirage-solo5', 'v0.10.0', 'duniverse seed'),
  lwt: ocamlLibrary('ocsigen/lwt', '5.6.1', 'duniverse seed'),
  cmdliner: ocamlLibrary('dbuenzli/cmdliner', 'v1.3.0', 'duniverse seed'),
  'cmdliner-stdlib': ocamlLibrary('mirage/cmdliner-stdlib', '1.0.1', 'duniverse seed'),
  fmt: ocamlLibrary('dbuenzli/fmt', 'v0.9.0', 'duniverse seed'),
  logs: ocamlLibrary('dune-universe/logs', 'v0.7.0+dune', 'duniverse seed'),
  ptime: ocamlLibrary('dune-universe/ptime', 'v1.2.0+dune', 'duniverse seed'),
  mtime: ocamlLibrary('dbuenzli/mtime', 'v2.1.0', 'duniverse seed'),
  duration: ocamlLibrary('hannesm/duration', 'v0.2.1', 'duniverse seed'),
  bheap: ocamlLibrary('backtracking/bheap', '2.0.0', 'duniverse seed'),
  metrics: ocamlLibrary('mirage/metrics', 'v0.5.0', 'duniverse seed'),
  'mirage-sleep': ocamlLibrary('mirage/mirage-sleep', 'v4.0.0', 'duniverse seed'),
  'mirage-bootvar': ocamlLibrary('mirage/mirage-bootvar', 'v1.0.1', 'duniverse seed'),
  'mirage-logs': ocamlLibrary('mirage/mirage-logs', 'v3.0.0', 'duniverse seed'),
  'mirage-mtime': ocamlLibrary('mirage/mirage-mtime', 'v5.2.0', 'duniverse seed'),
  'mirage-ptime': ocamlLibrary('mirage/mirage-ptime', 'v5.1.0', 'duniverse seed'),
  'mirage-crypto': ocamlLibrary('mirage/mirage-crypto', 'v2.0.2', 'duniverse seed'),
  eqaf: ocamlLibrary('mirage/eqaf', 'v0.10', 'duniverse seed'),
  digestif: ocamlLibrary('mirage/digestif', 'v1.3.0', 'duniverse seed'),
  'mirage-unix': ocamlLibrary('mirage/mirage-unix', 'v5.0.1', 'duniverse seed'),
  tcpip: ocamlLibrary('mirage/mirage-tcpip', 'v9.0.1', 'duniverse seed'),
  ethernet: ocamlLibrary('mirage/ethernet', 'v3.2.0', 'duniverse seed'),
  arp: ocamlLibrary('mirage/arp', 'v4.0.0', 'duniverse seed'),
  'mirage-net-solo5': ocamlLibrary('mirage/mirage-net-solo5', 'v0.8.0', 'duniverse seed'),
  'mirage-net': ocamlLibrary('mirage/mirage-net', 'v4.0.0', 'duniverse seed'),
  cstruct: ocamlLibrary('mirage/ocaml-cstruct', 'v6.2.0', 'duniverse seed'),
  'mirage-flow': ocamlLibrary('mirage/mirage-flow', 'v5.0.0', 'duniverse seed'),
  ipaddr: ocamlLibrary('mirage/ocaml-ipaddr', 'v5.6.1', 'duniverse seed'),
  'domain-name': ocamlLibrary('hannesm/domain-name', 'v0.4.1', 'duniverse seed'),
  lru: ocamlLibrary('pqwy/lru', 'v0.3.1', 'duniverse seed'),
  psq: ocamlLibrary('pqwy/psq', 'v0.2.1', 'duniverse seed'),
  'lwt-dllist': ocamlLibrary('mirage/lwt-dllist', 'v1.0.1', 'duniverse seed'),
  randomconv: ocamlLibrary('hannesm/randomconv', 'v0.2.0', 'duniverse seed'),
  // block_of_file on Solo5 (mirage 4.10 asks for >= 0.8.0 < 0.9.0).
  'mirage-block-solo5': ocamlLibrary('mirage/mirage-block-solo5', 'v0.8.1', 'duniverse seed'),
  'mirage-block': ocamlLibrary('mirage/mirage-block', 'v3.0.2', 'duniverse seed'),
  // `files:` on mirage: mirage's crunch device. ocaml-crunch runs at build time (built for the host from the
  // duniverse); its module is a Mirage_kv_mem store (mirage 4.10 asks for crunch and mirage-kv-mem 4.x).
  crunch: ocamlLibrary('mirage/ocaml-crunch', 'v4.0.0', 'duniverse seed'),
  'mirage-kv-mem': ocamlLibrary('mirage/mirage-kv-mem', 'v4.0.0', 'duniverse seed'),
  'mirage-kv': ocamlLibrary('mirage/mirage-kv', 'v6.1.1', 'duniverse seed'),
  optint: ocamlLibrary('mirage/optint', 'v0.3.0', 'duniverse seed'),
} as const satisfies Record<string, KnownSource>;

export type SourceName = keyof typeof KNOWN_SOURCES;

export const isSourceName = (s: string): s is SourceName => Object.hasOwn(KNOWN_SOURCES, s);
