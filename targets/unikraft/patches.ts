import { sha256 } from '../../lib/sha256.js';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import type { SourcePatch } from '../target.js';

/** Where the reviewed Unikraft patches live in unik's repo. */
export const UNIKRAFT_PATCH_DIR = join(packageRoot(), 'targets', 'unikraft', 'patches');

/** unik's patches to the pinned Unikraft, in file-name order (the order they are applied), with their content hashes. */
export function unikraftPatches(dir = UNIKRAFT_PATCH_DIR): SourcePatch[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      return { source: 'unikraft', file, path, sha256: sha256().update(readFileSync(path)).digest('hex') };
    });
}
