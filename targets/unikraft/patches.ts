import { join } from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import type { SourcePatch } from '../target.js';
import { patchesIn } from '../source-patches.js';

/** Where the reviewed Unikraft patches live in unik's repo. */
export const UNIKRAFT_PATCH_DIR = join(packageRoot(), 'targets', 'unikraft', 'patches');

/** unik's patches to the pinned Unikraft, in file-name order (the order they are applied), with their content hashes. */
export const unikraftPatches = (dir = UNIKRAFT_PATCH_DIR): SourcePatch[] => patchesIn('unikraft', dir);
