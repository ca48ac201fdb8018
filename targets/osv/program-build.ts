import { readFileSync } from 'node:fs';
import { EXIT, failure, UnikError } from '../../lib/errors.js';
import { readElf } from '../../lib/elf.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { Contents } from '../../programs/contents.js';
import { kernelExports, missingSymbols, processImports } from './program-checks.js';

/** A program that imports fork/exec/daemon functions is refused, unless unik.yaml says `fork: unused`. */
export function checkProcessImports(manifest: Manifest, contents: Contents): void {
  const program = contents.objects.find((o) => o.host === manifest.program?.path);
  if (!program || manifest.forkUnused) return;
  const found = processImports(program.elf);
  if (!found.length) return;
  throw manifestError(
    manifest.manifestPath,
    'program',
    'a program that never forks, execs or daemonizes (OSv runs one process); configure it not to and add "fork: unused"',
    `${JSON.stringify(manifest.program!.given)}, which imports ${found.join(', ')}`,
  );
}

/**
 * Every symbol the program and its libraries import must be exported by the kernel (its dynamic symbol table:
 * what OSv's loader binds against) or defined by a collected object; otherwise the guest aborts at load or at
 * the first call. Found here instead: one line per symbol, naming the object that imports it.
 */
export function checkSymbols(manifest: Manifest, contents: Contents, kernelPath: string): void {
  const exported = kernelExports(readElf(readFileSync(kernelPath)));
  if (!exported.size) throw failure(`the OSv kernel ${kernelPath} has no dynamic symbol table to check the program against (rebuild it)`);
  const accepted = new Set(manifest.unresolved);
  const missing = missingSymbols(contents.objects, exported).filter((m) => m.when === 'load' || !accepted.has(m.symbol));
  if (!missing.length) return;
  const what = manifest.program ? JSON.stringify(manifest.program.given) : 'the shared objects in files';
  throw new UnikError(
    manifestError(
      manifest.manifestPath,
      'program',
      'a program whose imported symbols the OSv kernel exports',
      `${what}, which imports ${missing.length} it does not (below; functions the program never calls may be listed under "unresolved:")`,
    ).message,
    EXIT.usage,
    missing.map((m) => `${m.symbol} (imported by ${m.object}; ${m.when === 'load' ? 'the guest would abort loading it' : 'the guest would abort at its first call'})`).join('\n'),
  );
}
