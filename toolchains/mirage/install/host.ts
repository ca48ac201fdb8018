import { statSync } from 'node:fs';
import { which } from '../../../lib/which.js';

/**
 * The Debian packages the MirageOS toolchain build and the unikernel builds after it need. scripts/setup.sh
 * installs the same list (a unit test holds them together).
 */
export const DEBIAN_PACKAGES = [
  // Solo5: C toolchain, tenders (seccomp for spt)
  'build-essential', 'git', 'pkg-config', 'libseccomp-dev',
  // ocaml-solo5: the host compiler and its own source (Debian has no ocaml-src findlib package)
  'ocaml-nox', 'ocaml-findlib', 'ocaml-source', 'ocaml-dune',
  // the mirage CLI (emile and pecu are built with it from the sources cache)
  'libcmdliner-ocaml-dev', 'libastring-ocaml-dev', 'libfmt-ocaml-dev', 'libipaddr-ocaml-dev', 'libbos-ocaml-dev',
  'libfpath-ocaml-dev', 'librresult-ocaml-dev', 'liburi-ocaml-dev', 'liblogs-ocaml-dev', 'libangstrom-ocaml-dev',
  'libbase64-ocaml-dev', 'libbigstringaf-ocaml-dev', 'libuutf-ocaml-dev',
  // unikernel builds: lwt.unix (the bench twin) wants cppo, mirage-crypto's build dune-configurator
  'cppo', 'libdune-ocaml-dev',
] as const;

/** ocaml-solo5's 4.14 branch: the only one that builds against the OCaml Debian and Ubuntu LTS ship. */
const SUPPORTED_OCAML = /^4\.1[34]\.\d+$/;

export interface HostFacts {
  /** `ocamlopt -version` of the compiler on PATH: ocaml-solo5 is built from the same version's source. */
  ocaml: string;
  dune: string;
  /** Debian package → installed version, for the packages above. */
  packages: Record<string, string>;
  /** Debian's OCaml source tarball for that version (package ocaml-source). */
  ocamlSource: string;
  /** The findlib configuration in use (`ocamlfind printconf conf`), copied next to ocaml-solo5's. */
  findlibConf: string;
  /** hostSignature() when these facts were probed: while it holds, they hold. */
  signature: string;
}

/** Pure: the one line that installs what is missing. */
export const aptLine = (missing: readonly string[]): string => `apt-get install --no-install-recommends ${missing.join(' ')}`;

/** Pure: `dpkg-query -W -f '${Package}\t${Status}\t${Version}\n' …` output → installed versions and the missing. */
export function parseDpkgQuery(output: string, wanted: readonly string[]): { installed: Record<string, string>; missing: string[] } {
  const installed: Record<string, string> = {};
  for (const line of output.split('\n')) {
    const [pkg, status, version] = line.split('\t');
    if (pkg && status?.endsWith(' installed') && status.startsWith('install ') && version) installed[pkg] = version;
  }
  return { installed, missing: wanted.filter((p) => !(p in installed)) };
}

/** Pure: why this host OCaml cannot be used, or null when it can. */
export function ocamlVersionProblem(version: string): string | null {
  return SUPPORTED_OCAML.test(version)
    ? null
    : `host OCaml ${version} (ocamlopt -version) is not supported: unik builds the MirageOS toolchain (ocaml-solo5's 4.14 branch) for OCaml 4.13.x or 4.14.x only`;
}

/** Pure: where Debian's ocaml-source package keeps the source of this OCaml version. */
export const ocamlSourceTar = (version: string): string => `/usr/src/ocaml-source-${version}.tar`;

/**
 * Stat-based, no process started: it changes when dpkg installs or removes anything, or when PATH (or
 * OCAMLFIND_CONF) points at other OCaml tools. A no-op install reuses the recorded facts while it holds.
 */
export function hostSignature(env: NodeJS.ProcessEnv = process.env): string {
  const files = ['/var/lib/dpkg/status', ...['ocamlopt', 'ocamlfind', 'dune'].map((b) => which(b, env) ?? `(no ${b})`)];
  const stat = (f: string) => {
    try {
      const s = statSync(f);
      return `${f}:${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return `${f}:-`;
    }
  };
  return [...files.map(stat), `OCAMLFIND_CONF=${env.OCAMLFIND_CONF ?? ''}`].join('|');
}
