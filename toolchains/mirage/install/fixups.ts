import { join } from 'node:path';
import { packageRoot } from '../../../lib/package-root.js';
import type { DuniverseDir } from '../duniverse.js';

/**
 * What unik changes in a pinned library so that it builds with Debian's dune 2.9, without opam: our own files
 * (dune, dune-project, .opam) added next to upstream's, and small diffs. They live in toolchains/mirage/fixups/
 * and are applied to build copies, never to the sources cache; the install record keeps each file's sha256.
 */
export interface Fixup {
  /** The build copy it applies to: Solo5, a duniverse library, or the workspace of the mirage CLI build. */
  target: 'solo5' | DuniverseDir | 'mirage-workspace';
  /** Files of ours, relative to fixups/<target>/ and to the build copy; upstream must not have them. */
  add?: readonly string[];
  /** A diff (fixups/<patch>) applied with git apply in the build copy. */
  patch?: string;
  why: string;
}

/** The Solo5 fixup that keeps "Solo5: solo5_exit(N) called" at every log level: images boot quiet only with it. */
export const QUIET_EXIT_FIXUP = '0004-solo5-exit-line-at-every-log-level.patch';

export const FIXUPS: readonly Fixup[] = [
  {
    target: 'solo5',
    patch: '0001-solo5-tsc-frequency-from-fw-cfg.patch',
    why: 'virtio takes the TSC frequency from the host (QEMU fw_cfg) instead of a 100 ms calibration a busy host skews',
  },
  {
    target: 'solo5',
    patch: '0002-solo5-spt-maps-the-image.patch',
    why: 'solo5-spt maps the unikernel\'s segments from the file instead of copying them: it starts in half the CPU time',
  },
  { target: 'solo5', patch: '0003-solo5-spt-static.patch', why: 'solo5-spt linked statically: no dynamic loader at every start' },
  {
    target: 'solo5',
    patch: QUIET_EXIT_FIXUP,
    why: 'the solo5_exit line, where virtio shows the status, survives --solo5:quiet (the banner costs ~9 ms under TCG)',
  },
  {
    target: 'solo5',
    patch: '0005-solo5-exit-line-without-printf.patch',
    why: 'the same exit line written without vsnprintf, which a quiet virtio boot ran only for it (issue 12)',
  },
  { target: 'fmt', add: ['dune-project', 'fmt.opam', 'src/dune'], why: 'fmt v0.9.0 ships topkg build files only' },
  {
    target: 'mtime',
    add: ['dune-project', 'mtime.opam', 'src/dune', 'src/clock/dune'],
    why: 'mtime v2.1.0 ships topkg build files only (mtime.clock has C stubs)',
  },
  { target: 'logs', patch: 'logs.diff', why: 'Debian has no result package: Stdlib has had result since 4.08' },
  { target: 'mirage-logs', patch: 'mirage-logs.diff', why: 'v3.0.0 asks for dune 3.0; Debian 12 has 2.9' },
  // Boot-time cuts (issue 12): under TCG each piece of guest code run for the first time costs its translation.
  {
    target: 'cmdliner',
    patch: 'cmdliner-eval-without-arguments.patch',
    why: 'a unikernel booted without arguments evaluates its runtime arguments without building --help and --version',
  },
  { target: 'ptime', patch: 'ptime-rfc3339-without-printf.patch', why: "the log lines' RFC 3339 timestamps are written without the C printf" },
  { target: 'mirage-workspace', add: ['dune-workspace'], why: 'builds the mirage CLI with emile and pecu in one workspace' },
  {
    target: 'mirage-workspace',
    patch: 'mirage-cli-no-zero-delay.patch',
    why: "the generated main.ml sleeps only for a --delay above 0, not 0 s (a timer and a main-loop turn) at every boot",
  },
];

export type FixupAction = { kind: 'add'; from: string; to: string } | { kind: 'patch'; file: string };

/** Where the fixup files are, whether unik runs from dist/ or from source. */
export const fixupsDir = (): string => join(packageRoot(), 'toolchains', 'mirage', 'fixups');

/** Pure: every fixup file, relative to the fixups dir (what the install record hashes). */
export const fixupFiles = (fixups: readonly Fixup[] = FIXUPS): string[] =>
  fixups.flatMap((f) => [...(f.add ?? []).map((a) => `${f.target}/${a}`), ...(f.patch ? [f.patch] : [])]).sort();

/** Pure: what to do to one build copy (`dir`), in order: our files first, then the diffs. */
export function fixupActions(target: Fixup['target'], dir: string, root: string, fixups: readonly Fixup[] = FIXUPS): FixupAction[] {
  const mine = fixups.filter((f) => f.target === target);
  return [
    ...mine.flatMap((f) => (f.add ?? []).map((a) => ({ kind: 'add' as const, from: join(root, target, a), to: join(dir, a) }))),
    ...mine.flatMap((f) => (f.patch ? [{ kind: 'patch' as const, file: join(root, f.patch) }] : [])),
  ];
}
