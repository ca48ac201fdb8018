import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { failure } from '../../../lib/errors.js';
import { aptLine, DEBIAN_PACKAGES, hostSignature, ocamlSourceTar, ocamlVersionProblem, parseDpkgQuery, type HostFacts } from './host.js';

const ask = async (file: string, args: string[]) => {
  const res = await execa(file, args, { reject: false, stdin: 'ignore' });
  return res.exitCode === 0 ? res.stdout.trim() : null;
};

/**
 * Everything the build needs from the host, checked before any step runs: each problem is one line saying what
 * to do (a missing package names the exact apt-get line).
 */
export async function probeHost(): Promise<HostFacts> {
  const dpkg = await execa('dpkg-query', ['-W', '-f', '${Package}\t${Status}\t${Version}\n', ...DEBIAN_PACKAGES], { reject: false, stdin: 'ignore' });
  if (dpkg.failed && dpkg.exitCode === undefined) {
    throw failure('unik toolchain install mirage needs a Debian or Ubuntu host (dpkg-query not found): it builds against Debian\'s OCaml packages');
  }
  const { installed, missing } = parseDpkgQuery(dpkg.stdout, DEBIAN_PACKAGES);
  if (missing.length) throw failure(`missing Debian packages for the MirageOS toolchain: run ${aptLine(missing)}`);
  const ocaml = await ask('ocamlopt', ['-version']);
  if (!ocaml) throw failure('ocamlopt -version failed: the host OCaml compiler is broken (package ocaml-nox)');
  const problem = ocamlVersionProblem(ocaml);
  if (problem) throw failure(problem);
  const ocamlSource = ocamlSourceTar(ocaml);
  if (!existsSync(ocamlSource)) {
    throw failure(`no source for the host OCaml ${ocaml} at ${ocamlSource}: the ocamlopt on PATH is not Debian's ${installed['ocaml-nox']} (package ocaml-source)`);
  }
  const dune = await ask('dune', ['--version']);
  const findlibConf = await ask('ocamlfind', ['printconf', 'conf']);
  if (!dune || !findlibConf) throw failure(`${dune ? 'ocamlfind printconf conf' : 'dune --version'} failed: the host OCaml tools are broken (packages ocaml-dune, ocaml-findlib)`);
  return { ocaml, dune, packages: installed, ocamlSource, findlibConf, signature: hostSignature() };
}
