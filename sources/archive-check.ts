import { existsSync } from 'node:fs';
import { sha256File } from '../lib/atomic.js';

/** Why a cached archive cannot be served (missing, or not the bytes pinned in sources.json), or null. */
export async function archiveProblem(entry: { path: string; sha256: string }): Promise<string | null> {
  if (!existsSync(entry.path)) return `${entry.path} is missing`;
  const actual = await sha256File(entry.path);
  return actual === entry.sha256 ? null : `checksum mismatch for ${entry.path}: expected sha256 ${entry.sha256}, found ${actual}`;
}
