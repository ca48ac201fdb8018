import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { usageError } from '../../lib/errors.js';
import { renderTemplate } from '../../lib/templates.js';
import { printJson, type OutputOptions } from '../output.js';

/** The files `unik init` writes per target (templates/init/<target>/<file>.hbs). */
const STARTERS = {
  unikraft: ['unik.yaml', 'main.c'],
  osv: ['unik.yaml', 'main.c'],
  mirage: ['unik.yaml', 'unikernel.ml'],
} as const;

export async function initCommand(dir: string, flags: OutputOptions & { name?: string; target: string }): Promise<void> {
  const appDir = resolve(dir);
  if (!Object.hasOwn(STARTERS, flags.target)) {
    throw usageError(`--target: expected one of ${Object.keys(STARTERS).join(', ')}, found ${JSON.stringify(flags.target)}`);
  }
  const name = flags.name ?? basename(appDir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, '').slice(0, 40);
  if (!/^[a-z][a-z0-9-]{0,39}$/.test(name)) {
    throw usageError(`--name: expected 1-40 lowercase letters, digits and '-', starting with a letter, found ${JSON.stringify(name)}`);
  }
  const files = STARTERS[flags.target as keyof typeof STARTERS];
  const clash = files.find((f) => existsSync(join(appDir, f)));
  if (clash) throw usageError(`${join(dir, clash)}: expected no existing file (init never overwrites), found one`);
  await mkdir(appDir, { recursive: true });
  for (const f of files) await writeFileAtomic(join(appDir, f), renderTemplate(`init/${flags.target}`, f, { name }));
  if (flags.json) return printJson({ dir: appDir, name, target: flags.target, files });
  process.stdout.write(`created ${files.join(', ')} in ${appDir}\nnext: unik build ${dir} && unik run ${dir}\n`);
}
