import { existsSync, promises as fsp } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { usageError } from '../../lib/errors.js';
import { renderTemplate } from '../../lib/templates.js';
import { IMAGE_NAME, imageNameFrom } from '../../manifest/name.js';
import { where, type Note } from '../../importers/types.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';

/** The files `unik init` writes per target (templates/init/<target>/<file>.hbs). */
const STARTERS = {
  unikraft: ['unik.yaml', 'main.c'],
  osv: ['unik.yaml', 'main.c'],
  mirage: ['unik.yaml', 'unikernel.ml'],
} as const;

interface InitFlags extends OutputOptions {
  name?: string;
  target?: string;
  from?: string;
  force?: boolean;
}

/** One report line: where, the construct, and what became of it. */
const noteLine = (n: Note) => `  ${where(n)}  ${n.construct}: ${n.message}\n`;

/** `unik init --from DIR`: translate a foreign project; the importer decides, this prints. */
async function initFrom(dir: string, flags: InitFlags & { from: string }): Promise<void> {
  if (dir !== '.') throw usageError(`--from: expected no DIR argument with --from (unik.yaml is written into the project directory), found ${JSON.stringify(dir)}`);
  if (flags.target) throw usageError('--target: expected no --target with --from (the project decides the target), found one');
  const { importProject } = await import('../../importers/import-project.js');
  const { path, translation: t } = await importProject(flags.from, { ...(flags.force ? { force: true } : {}), ...(flags.name ? { name: flags.name } : {}) });
  if (flags.json) return printJson({ file: path, format: t.format, from: t.from, manifest: t.manifest, translated: t.translated, untranslated: t.untranslated, warnings: t.warnings });
  // What may break the build or the run comes first, where it is read; only a clean translation promises a build.
  const out = t.warnings.length ? [`warning: ${t.warnings.length} construct(s) left out may make the build or the run fail:\n`, ...t.warnings.map(noteLine)] : [];
  out.push(`wrote ${path} from ${t.from} (target ${t.manifest.target})\n`, 'translated:\n', ...t.translated.map(noteLine));
  if (t.untranslated.length) out.push('not translated:\n', ...t.untranslated.map(noteLine));
  out.push(t.warnings.length ? `then, once the warnings above are dealt with: unik build ${flags.from}\n` : `next: unik build ${flags.from} && unik run ${flags.from}\n`);
  writeOut(out.join(''));
}

export async function initCommand(dir: string, flags: InitFlags): Promise<void> {
  if (flags.from !== undefined) return initFrom(dir, { ...flags, from: flags.from });
  if (flags.force) throw usageError('--force: expected only with --from (init never overwrites a starter), found it without');
  const target = flags.target ?? 'unikraft';
  const appDir = resolve(dir);
  if (!Object.hasOwn(STARTERS, target)) {
    throw usageError(`--target: expected one of ${Object.keys(STARTERS).join(', ')}, found ${JSON.stringify(target)}`);
  }
  const name = flags.name ?? imageNameFrom(basename(appDir));
  if (!IMAGE_NAME.test(name)) {
    throw usageError(`--name: expected 1-40 lowercase letters, digits and '-', starting with a letter, found ${JSON.stringify(name)}`);
  }
  const files = STARTERS[target as keyof typeof STARTERS];
  const clash = files.find((f) => existsSync(join(appDir, f)));
  if (clash) throw usageError(`${join(dir, clash)}: expected no existing file (init never overwrites), found one`);
  await fsp.mkdir(appDir, { recursive: true });
  for (const f of files) await writeFileAtomic(join(appDir, f), renderTemplate(`init/${target}`, f, { name }));
  if (flags.json) return printJson({ dir: appDir, name, target, files });
  writeOut(`created ${files.join(', ')} in ${appDir}\nnext: unik build ${dir} && unik run ${dir}\n`);
}
