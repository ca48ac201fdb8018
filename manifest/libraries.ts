import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { UnikError } from '../lib/errors.js';
import type { PathKind } from './program.js';

type Fail = (field: string, expected: string, found: string) => UnikError;
type Inside = (field: string, rel: string, kind: PathKind) => string;

/** A file of a local library: copied into the build beside config.ml, so one plain alphabet. */
const FILE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

/**
 * `libraries` (MirageOS's ~local_libs): the files at the top of a library's directory, each judged like a
 * source (inside the app by its real path). Its dune file must declare the library under the directory's name,
 * which is the name config.ml passes to mirage; a directory without one would fail only deep in dune.
 */
export function libraryFiles(name: string, dir: string, field: string, inside: Inside, fail: Fail): string[] {
  const entries = readdirSync(dir, { withFileTypes: true }).filter((e) => !e.isDirectory()).map((e) => e.name).sort();
  const bad = entries.find((e) => !FILE.test(e));
  if (bad) throw fail(field, 'library files named with letters, digits and ._- (not starting with . or -)', `${name}/${JSON.stringify(bad)}`);
  if (!entries.includes('dune')) throw fail(field, `a directory holding a dune file (library (name ${name}))`, `${name}/ without one`);
  const files = entries.map((e) => inside(field, join(name, e), 'file'));
  const dune = readFileSync(join(dir, 'dune'), 'utf8');
  if (!new RegExp(`\\(name\\s+${name}\\s*\\)`).test(dune)) throw fail(field, `a dune file declaring (library (name ${name})) (the name config.ml passes)`, `${name}/dune without it`);
  return files;
}
