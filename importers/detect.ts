import { usageError } from '../lib/errors.js';
import { KRAFTFILES } from './kraftfile.js';
import { OSV_MODULE_FILES } from './osv-module.js';
import type { ImportFormat } from './types.js';

/** Pure: which format a project is, from its top-level file names; one line naming what was found otherwise. */
export function detectFormat(dirShown: string, files: string[]): { format: ImportFormat; main: string } {
  const kraftfile = KRAFTFILES.find((f) => files.includes(f));
  const found: { format: ImportFormat; main: string }[] = [
    ...(kraftfile ? [{ format: 'kraftfile' as const, main: kraftfile }] : []),
    ...(files.includes('config.ml') ? [{ format: 'mirage-config' as const, main: 'config.ml' }] : []),
    ...OSV_MODULE_FILES.filter((f) => files.includes(f))
      .slice(0, 1)
      .map((main) => ({ format: 'osv-module' as const, main })),
  ];
  if (found.length === 1) return found[0]!;
  if (!found.length) {
    throw usageError(`${dirShown}: expected a Kraftfile, a MirageOS config.ml or an OSv module (Capstanfile, module.py, usr.manifest), found none`);
  }
  throw usageError(`${dirShown}: expected one project format, found ${found.map((f) => f.main).join(' and ')} (translate them from separate directories)`);
}
