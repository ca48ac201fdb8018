import { sha256 } from '../../lib/sha256.js';
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, delimiter, dirname, join } from 'node:path';
import { failure } from '../../lib/errors.js';
import type { Layout } from '../../lib/home.js';
import { query } from '../../lib/steps.js';
import type { Platform } from '../../manifest/manifest.js';
import type { DuniverseDir } from './duniverse.js';
import { installedRecord, recordFingerprint } from './install/record.js';

/** What unik needs from a MirageOS toolchain, and where it found each piece (null: missing). */
export interface MirageToolchain {
  /** Environment for mirage configure and dune: PATH, OCAMLPATH, OCAMLFIND_CONF as the install needs them. */
  env: Record<string, string>;
  tools: Record<ToolName, string | null>;
  /** ocamlfind's solo5 toolchain (ocaml-solo5's findlib.conf.d/solo5.conf), null when absent. */
  solo5Findlib: string | null;
  /** What `make depend` needs to fetch the duniverse (network); null offline. */
  opamMonorepo: string | null;
}

type ToolName = 'mirage' | 'dune' | 'ocamlfind' | 'cppo' | 'solo5-spt' | 'solo5-hvt' | 'solo5-elftool';

const INSTALL = 'unik toolchain install mirage';

const FIX: Record<ToolName | 'ocaml-solo5', (t: string) => string> = {
  mirage: (t) => `${INSTALL} (builds it into ${t}/mirage), or opam install mirage (with network)`,
  dune: () => 'apt-get install dune ocaml-nox (dune 2.9 with OCaml 4.13 as on Debian 12) or opam install dune',
  ocamlfind: () => 'apt-get install ocaml-findlib or opam install ocamlfind',
  cppo: () => 'apt-get install cppo or opam install cppo (lwt.unix needs it)',
  'solo5-spt': (t) => `${INSTALL} (builds Solo5 into ${t}/solo5), or opam install solo5`,
  'solo5-hvt': (t) => FIX['solo5-spt'](t),
  'solo5-elftool': (t) => FIX['solo5-spt'](t),
  'ocaml-solo5': (t) => `${INSTALL} (builds ocaml-solo5 for the host OCaml into ${t}/ocaml-solo5), or opam install ocaml-solo5`,
};

function onPath(bin: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && existsSync(join(dir, bin))) return join(dir, bin);
  }
  return null;
}

/** Find the toolchain: unik's own toolchains dir first, then PATH (e.g. an opam switch). Only stats files. */
export function findMirageToolchain(l: Layout, env: NodeJS.ProcessEnv = process.env): MirageToolchain {
  const t = l.toolchains;
  const own = [join(t, 'mirage', 'bin'), join(t, 'solo5', 'bin')].filter((d) => existsSync(d));
  const path = [...own, env.PATH ?? ''].join(delimiter);
  const tools = Object.fromEntries(
    (['mirage', 'dune', 'ocamlfind', 'cppo', 'solo5-spt', 'solo5-hvt', 'solo5-elftool'] as const).map((b) => [b, onPath(b, path)]),
  ) as Record<ToolName, string | null>;
  const ownConf = join(t, 'ocaml-solo5', 'lib', 'findlib.conf');
  const opamConf = env.OPAM_SWITCH_PREFIX ? join(env.OPAM_SWITCH_PREFIX, 'lib', 'findlib.conf.d', 'solo5.conf') : null;
  const solo5Findlib = existsSync(join(t, 'ocaml-solo5', 'lib', 'findlib.conf.d', 'solo5.conf'))
    ? join(t, 'ocaml-solo5', 'lib', 'findlib.conf.d', 'solo5.conf')
    : opamConf && existsSync(opamConf) ? opamConf : null;
  const mirageLib = join(t, 'mirage', 'lib');
  return {
    env: {
      PATH: path,
      // mirage configure compiles config.ml against the mirage library installed next to the binary.
      ...(existsSync(mirageLib) ? { OCAMLPATH: [mirageLib, env.OCAMLPATH].filter(Boolean).join(delimiter) } : {}),
      // `ocamlfind -toolchain solo5` reads findlib.conf.d/ next to the findlib.conf in use.
      ...(existsSync(ownConf) ? { OCAMLFIND_CONF: ownConf } : {}),
    },
    tools,
    solo5Findlib,
    opamMonorepo: onPath('opam-monorepo', path),
  };
}

/** Pure: what a build for this platform lacks, each with how to get it. Empty when complete. */
export function missingPieces(tc: MirageToolchain, platform: Platform | 'unix', toolchains: string): { what: string; fix: string }[] {
  const needed: ToolName[] = ['mirage', 'dune', 'ocamlfind'];
  if (platform === 'spt') needed.push('solo5-spt');
  if (platform === 'hvt') needed.push('solo5-hvt');
  if (platform === 'unix') needed.push('cppo');
  const out: { what: string; fix: string }[] = needed.filter((b) => !tc.tools[b]).map((b) => ({ what: b, fix: FIX[b](toolchains) }));
  if (platform !== 'unix' && !tc.solo5Findlib) out.push({ what: 'ocaml-solo5', fix: FIX['ocaml-solo5'](toolchains) });
  return out;
}

/** The toolchain for a build, or an error that names every missing piece and how to get it. */
export function requireMirageToolchain(l: Layout, platform: Platform | 'unix'): MirageToolchain {
  const tc = findMirageToolchain(l);
  const missing = missingPieces(tc, platform, l.toolchains);
  if (missing.length) {
    throw failure(
      `MirageOS toolchain for ${platform} is incomplete (looked in ${l.toolchains} and PATH): missing ${missing.map((m) => m.what).join(', ')}`,
      missing.map((m) => `  ${m.what}: ${m.fix}`).join('\n'),
    );
  }
  return tc;
}

/**
 * The Solo5 bindings object a platform's images link (solo5_<platform>.o next to the tenders): its content is what
 * a fixup patch (toolchains/mirage/fixups) changes while the version string stays v0.12.1.
 */
export function solo5Bindings(tc: MirageToolchain, platform: Platform | 'unix'): string | null {
  const elftool = tc.tools['solo5-elftool'];
  if (!elftool || platform === 'unix') return null;
  const o = join(dirname(elftool), '..', 'lib', 'x86_64-solo5-none-static', `solo5_${platform}.o`);
  return existsSync(o) ? o : null;
}

/**
 * Whether the Solo5 bindings a platform's images link are unik's own install with this fixup applied (its record
 * says so); an opam or PATH Solo5 is upstream's.
 */
export function solo5HasFixup(l: Layout, tc: MirageToolchain, platform: Platform, patch: string): boolean {
  const bindings = solo5Bindings(tc, platform);
  const record = installedRecord(l);
  return !!record && !!bindings && bindings.startsWith(l.toolchains + '/') && patch in record.steps.solo5.fixups;
}

/** Pure-ish: what the versions depend on: each tool's path, size and mtime (a reinstall changes them). */
const toolStamp = (tc: MirageToolchain, platform: Platform | 'unix'): string =>
  JSON.stringify([platform, tc.env, ...[...Object.values(tc.tools), tc.solo5Findlib, solo5Bindings(tc, platform)].map((f) => {
    const st = f ? statSync(f, { throwIfNoEntry: false }) : undefined;
    return st ? `${f}:${st.size}:${st.mtimeMs}` : `${f}:missing`;
  })]);

const versionMemo = new Map<string, Promise<Record<string, string>>>();

/**
 * Version strings of the pieces that shape the image, and a digest of the Solo5 bindings they link: they go into
 * the cache key and the image record. Each asks a tool (5 processes), so the answer is remembered per tool stamp.
 */
export function toolchainVersions(tc: MirageToolchain, platform: Platform | 'unix'): Promise<Record<string, string>> {
  const stamp = toolStamp(tc, platform);
  let p = versionMemo.get(stamp);
  if (!p) {
    p = askVersions(tc, platform);
    versionMemo.set(stamp, p);
  }
  return p;
}

async function askVersions(tc: MirageToolchain, platform: Platform | 'unix'): Promise<Record<string, string>> {
  // Only the version itself: solo5-elftool, for one, prints its usage before it.
  const ask = async (file: string | null, args: string[]) => {
    if (!file) return 'missing';
    const res = await query(file, args, { env: tc.env });
    return /v?\d+\.\d+[\w.+~-]*/.exec(`${res.stdout}\n${res.stderr}`)?.[0] ?? 'unknown';
  };
  const bindings = solo5Bindings(tc, platform);
  const [mirage, dune, ocaml, solo5] = await Promise.all([
    ask(tc.tools.mirage, ['--version']),
    ask(tc.tools.dune, ['--version']),
    ask(tc.tools.ocamlfind, platform === 'unix' ? ['ocamlopt', '-version'] : ['-toolchain', 'solo5', 'ocamlopt', '-version']),
    platform === 'unix' ? null : ask(tc.tools['solo5-elftool'], ['--version']),
  ]);
  return {
    mirage: mirage!,
    dune: dune!,
    ocaml: ocaml!,
    ...(solo5 ? { solo5 } : {}),
    ...(bindings ? { 'solo5-bindings': sha256().update(readFileSync(bindings)).digest('hex').slice(0, 16) } : {}),
  };
}

/**
 * What shapes an image from the toolchain, for the build cache key and the image record. With unik's own install
 * in use, its record (one JSON file and a few readlinks); otherwise (opam, PATH) the tools' versions.
 */
export async function mirageFingerprint(l: Layout, tc: MirageToolchain, platform: Platform | 'unix'): Promise<Record<string, string>> {
  const record = installedRecord(l);
  const own = (p: string | null) => !!p && p.startsWith(l.toolchains + '/');
  if (record && own(tc.tools.mirage) && (platform === 'unix' || own(tc.solo5Findlib))) return recordFingerprint(record);
  return toolchainVersions(tc, platform);
}

/** The duniverse seed `unik toolchain install mirage` made: $UNIK_HOME/toolchains/duniverse/<dir>. */
export const seedDir = (l: Layout): string => join(l.toolchains, 'duniverse');

/** Which seed is in place: the name of the store directory the link points at (changes with every reseed). */
export function seedIdentity(l: Layout): string {
  try {
    return basename(realpathSync(seedDir(l)));
  } catch {
    return 'none';
  }
}

/** The seeded duniverse: each library's directory, or its name in `missing`. */
export function seededDuniverse(l: Layout, dirs: readonly DuniverseDir[]): { present: Record<string, string>; missing: DuniverseDir[] } {
  const present: Record<string, string> = {};
  const missing: DuniverseDir[] = [];
  for (const d of dirs) {
    const p = join(seedDir(l), d);
    if (existsSync(p)) present[d] = p;
    else missing.push(d);
  }
  return { present, missing };
}
