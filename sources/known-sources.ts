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
}

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
  osv: {
    framework: 'osv',
    url: 'https://github.com/cloudius-systems/osv.git',
    // No release tag carries the conf_drivers_* profiles unik relies on; this commit builds and boots here.
    ref: '0e34e4dc2b278b7f64e4169abbf297b7de46fb6b',
    description: 'OSv kernel (with its acpica, musl 1.2.1, musl 0.9.12 and kbuild submodules)',
    // osv-apps (apps/) is not needed: unik builds the app's filesystem itself.
    submodules: ['external/x64/acpica', 'musl_1.2.1', 'musl_0.9.12', 'kbuild'],
  },
  // MirageOS: unik builds nothing from these; they are what the toolchain in $UNIK_HOME/toolchains is built from
  // (see README, MirageOS). The libraries a unikernel compiles come from the duniverse seed instead.
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
    description: 'mirage CLI and library (configure); install into toolchains/mirage',
  },
} as const satisfies Record<string, KnownSource>;

export type SourceName = keyof typeof KNOWN_SOURCES;

export const isSourceName = (s: string): s is SourceName => Object.hasOwn(KNOWN_SOURCES, s);
