import { closeSync, existsSync, openSync, readdirSync, readSync, readFileSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { basename, delimiter, isAbsolute, join, relative, resolve } from 'node:path';
import { writeFileAtomic } from '../lib/atomic.js';
import { usageError } from '../lib/errors.js';
import { isElf, readElf } from '../lib/elf.js';
import { which } from '../lib/which.js';
import { displayPath } from '../manifest/errors.js';
import { MANIFEST_FILE, parseManifest } from '../manifest/load.js';
import { processImports } from '../targets/osv/program-checks.js';
import { detectFormat } from './detect.js';
import { KRAFTFILES, translateKraftfile } from './kraftfile.js';
import { translateMirageConfig } from './mirage-config.js';
import { readModuleMakefile } from './osv-makefile.js';
import { OSV_MODULE_READS, translateOsvModule } from './osv-module.js';
import { renderManifest } from './render.js';
import type { HostProgram, Project, Translation } from './types.js';

/** Directories a project walk never enters: VCS data, build output, dependencies. */
const SKIP_DIRS = /^(\.|_build$|build$|node_modules$|duniverse$|dist$)/;
const MAX_ENTRIES = 5000;

/** A symlink to a file inside the project (osv-apps' `Makefile -> Makefile.WithWrapper`) counts as that file. */
function linkedFile(dir: string, abs: string, e: Dirent): boolean {
  if (!e.isSymbolicLink()) return false;
  const target = statSync(abs, { throwIfNoEntry: false });
  return !!target?.isFile() && !relative(realpathSync(dir), realpathSync(abs)).startsWith('..');
}

/** Every file and directory under `dir` (relative, '/'-separated), skipping build output and hidden entries. */
function walk(dir: string): { files: string[]; dirs: string[] } {
  const files: string[] = [];
  const dirs: string[] = [];
  const visit = (abs: string, depth: number) => {
    for (const e of readdirSync(abs, { withFileTypes: true })) {
      if (files.length + dirs.length > MAX_ENTRIES) throw usageError(`${displayPath(dir)}: expected a project directory, found more than ${MAX_ENTRIES} entries`);
      const rel = relative(dir, join(abs, e.name)).split('\\').join('/');
      if (e.isDirectory() && !SKIP_DIRS.test(e.name) && depth < 6) (dirs.push(rel), visit(join(abs, e.name), depth + 1));
      else if ((e.isFile() || linkedFile(dir, join(abs, e.name), e)) && !e.name.startsWith('.')) files.push(rel);
    }
  };
  visit(dir, 0);
  return { files: files.sort(), dirs: dirs.sort() };
}

/** The files each format's translator reads. */
const READS = { kraftfile: [...KRAFTFILES, 'Makefile.uk'], 'osv-module': [...OSV_MODULE_READS], 'mirage-config': ['config.ml'] } as const;

/** The programs an OSv module's Makefile takes from the host (`which NAME`) that this host has, by name. */
function hostPrograms(texts: Record<string, string>): Record<string, HostProgram> {
  if (texts.Makefile === undefined || texts['module.py'] === undefined) return {};
  const found = readModuleMakefile(texts.Makefile).hostPrograms.map((p) => [p.text, elfOnPath(p.text)] as const);
  return Object.fromEntries(found.flatMap(([name, path]) => (path ? [[name, { path, ...imports(path) }]] : [])));
}

/** The first ELF executable called `name` on PATH: a wrapper script (a pyenv shim) cannot be an OSv program. */
function elfOnPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(isAbsolute)) {
    const path = which(join(dir, name));
    if (path && isElf(readHead(path))) return path;
  }
  return which(name);
}

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(4);
    readSync(fd, head, 0, 4, 0);
    return head;
  } finally {
    closeSync(fd);
  }
}

/** What the program imports that the translation depends on: listen/accept (a server), fork/exec (OSv has one process). */
function imports(path: string): Pick<HostProgram, 'serves' | 'forks'> {
  try {
    const elf = readElf(readFileSync(path));
    return { serves: elf.symbols.some((s) => s.undefined && ['listen', 'accept', 'accept4'].includes(s.name)), forks: processImports(elf) };
  } catch {
    return { serves: false, forks: [] };
  }
}

export interface Imported {
  path: string;
  translation: Translation;
}

/**
 * `unik init --from DIR`: detect the project's format, translate it (pure), check the result as unik.yaml would
 * be checked, and only then write it beside the project, atomically. An existing unik.yaml stays unless `force`.
 */
export async function importProject(dirArg: string, opts: { force?: boolean; name?: string }): Promise<Imported> {
  const dir = resolve(dirArg);
  let listing;
  try {
    listing = walk(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code) throw usageError(`--from: expected a readable project directory, found ${JSON.stringify(dirArg)} (${(e as NodeJS.ErrnoException).code})`);
    throw e;
  }
  const path = join(dir, MANIFEST_FILE);
  if (existsSync(path) && !opts.force) throw usageError(`${displayPath(path)}: expected no existing file (init never overwrites; pass --force to replace it), found one`);
  const { format, main } = detectFormat(displayPath(dir), listing.files);
  const texts = Object.fromEntries(READS[format].filter((f) => listing.files.includes(f)).map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  const project: Project = { texts, ...listing, dirName: basename(dir), onHostPath: hostPrograms(texts) };
  const translation = format === 'kraftfile' ? translateKraftfile(project, main) : format === 'osv-module' ? translateOsvModule(project) : translateMirageConfig(project);
  if (opts.name) translation.manifest.name = opts.name;
  const text = renderManifest(translation);
  try {
    parseManifest(text, dir, path);
  } catch (e) {
    throw usageError(`${main}: the translation does not make a valid unik.yaml: ${(e as Error).message}`);
  }
  await writeFileAtomic(path, text);
  return { path, translation };
}
