import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateCacheDir, storePrivately } from './private-cache.js';
import { quickHash } from './quick-hash.js';

/**
 * Values worked out once and remembered across starts in the user's private cache (`~/.cache/unik/<kind>`), each
 * under a text key: an entry holds its whole key and is used only for exactly that key, so the hash in its file
 * name only finds it. What a cached build would otherwise redo on every start lives here: parsed manifests,
 * sha256 digests, ready patterns found acceptable.
 */
const KEEP = 1024;

const entryFile = (dir: string, key: string) => join(dir, `${quickHash(Buffer.from(key, 'utf8'))}.json`);

/** The value remembered under exactly `key`, if any. */
export function recall(kind: string, key: string, env: NodeJS.ProcessEnv = process.env): { value: unknown } | null {
  const dir = privateCacheDir(kind, env);
  if (!dir) return null;
  try {
    const entry = JSON.parse(readFileSync(entryFile(dir, key), 'utf8')) as { key?: unknown; value?: unknown };
    return entry.key === key && 'value' in entry ? { value: entry.value } : null;
  } catch {
    return null;
  }
}

/** Remember `value` (plain JSON data) under `key`; the oldest entries beyond KEEP go. */
export function remember(kind: string, key: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const dir = privateCacheDir(kind, env);
  if (dir) storePrivately(dir, entryFile(dir, key), () => JSON.stringify({ key, value }), KEEP);
}
