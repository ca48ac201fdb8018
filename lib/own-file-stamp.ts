import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './package-root.js';
import { quickHash } from './quick-hash.js';

/**
 * The stamps of unik's own files, by path under the package root. Empty here; the CLI bundle has it filled with
 * every file under machine/host and machine/guest, hashed at bundle time (scripts/bundle.mjs), because reading
 * and hashing the reaper's source cost every `unik run` 1–2 ms.
 */
const PRECOMPUTED: Record<string, string> = {};

/** The content hash of one of unik's own files (path under the package root, `/`-separated). */
export const ownFileStamp = (path: string): string => PRECOMPUTED[path] ?? quickHash(readFileSync(join(packageRoot(), path)));
