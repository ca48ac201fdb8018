import { basename, dirname } from 'node:path';
import { PLATFORMS, type TargetName } from '../manifest/manifest.js';

/** The store's own id format: the first 12 hex digits of the cache key (or of random bytes). */
export const IMAGE_ID = /^[0-9a-f]{12}$/;
const SHA256 = /^[0-9a-f]{64}$/;

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
const describe = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'string' ? JSON.stringify(v) : typeof v);

/**
 * Pure: why a parsed record.json cannot be used, or null when it can. Records are read back from disk, where
 * a crash, a hand edit or an attacker may have changed them: nothing in one may name a path outside its own
 * directory `dir` (an id of "../victim" would make rmi delete outside the store), and every field a command
 * reads must have its type, so a broken record is skipped with this reason instead of crashing a listing.
 */
export function recordProblem(raw: unknown, dir: string): string | null {
  if (!isObject(raw)) return `it holds ${describe(raw)}, not an image record`;
  const r = raw;
  if (typeof r.id !== 'string' || !IMAGE_ID.test(r.id)) return `its id ${describe(r.id)} is not 12 lowercase hex digits`;
  if (r.id !== basename(dir)) return `its id ${r.id} is not the name of its directory`;
  for (const k of ['name', 'target', 'platform', 'path', 'sha256', 'createdAt', 'appDir', 'cacheKey'] as const) {
    if (typeof r[k] !== 'string') return `its ${k} is ${describe(r[k])}, not a string`;
  }
  // Looked up in tables by these names later: only unik's own targets and platforms, never __proto__ or toString.
  if (!Object.hasOwn(PLATFORMS, r.target as string)) return `its target ${describe(r.target)} is not one of ${Object.keys(PLATFORMS).join(', ')}`;
  if (!(PLATFORMS[r.target as TargetName] as readonly string[]).includes(r.platform as string)) return `its platform ${describe(r.platform)} is not one of target ${r.target as string}'s`;
  if (!SHA256.test(r.sha256 as string)) return `its sha256 ${describe(r.sha256)} is not 64 hex digits`;
  if (typeof r.sizeBytes !== 'number') return `its sizeBytes is ${describe(r.sizeBytes)}, not a number`;
  for (const k of ['drivers', 'libraries', 'sources'] as const) if (!Array.isArray(r[k])) return `its ${k} is ${describe(r[k])}, not a list`;
  if (!isObject(r.files) || !Object.values(r.files).every((f) => typeof f === 'string')) return 'its files are not a map of paths';
  const outside = [r.path as string, ...(Object.values(r.files) as string[])].find((p) => dirname(p) !== dir);
  if (outside !== undefined) return `it names ${JSON.stringify(outside)}, outside its directory`;
  // Records with no files may come from before files were checksummed; the others must say what to expect.
  const unsummed = Object.keys(r.files).find((role) => !isObject(r.filesSha256) || !SHA256.test(String(r.filesSha256[role])));
  if (unsummed !== undefined) return `it records no sha256 for files.${unsummed} (stored by an older unik: rebuild it)`;
  if (r.pulled !== undefined && !(isObject(r.pulled) && typeof r.pulled.digest === 'string')) return 'its pulled mark is malformed';
  const run = r.run;
  if (!isObject(run) || !isObject(run.devices) || !Array.isArray(run.cmdline) || typeof run.memoryMiB !== 'number') {
    return 'its run settings (devices, cmdline, memoryMiB) are missing or malformed';
  }
  const d = run.devices;
  if (!Array.isArray(d.block) || !Array.isArray(d.share) || !(d.net === null || isObject(d.net))) return 'its run devices are malformed';
  return null;
}
