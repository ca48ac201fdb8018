import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { privateCacheDir, storePrivately } from '../lib/private-cache.js';
import { quickHash } from '../lib/quick-hash.js';

/**
 * Parsed manifests remembered across starts: parsing YAML (and loading the parser) was a tenth of a cached
 * `unik build`. An entry holds the text it came from and is used only for exactly that text, so the hash in
 * its name only finds it; what it gives back still goes through every check a fresh parse does.
 */
const KEEP = 256;

const entryFile = (dir: string, text: string) => join(dir, `${quickHash(Buffer.from(text, 'utf8'))}.json`);

/** Pure: whether `v` is plain data that JSON gives back exactly, so a remembered copy is the same value. */
export function jsonExact(v: unknown): boolean {
  if (v === null || typeof v === 'string' || typeof v === 'boolean') return true;
  if (typeof v === 'number') return Number.isFinite(v) && !Object.is(v, -0);
  if (Array.isArray(v)) return Object.keys(v).length === v.length && v.every(jsonExact);
  if (typeof v !== 'object' || Object.getPrototypeOf(v) !== Object.prototype) return false;
  // JSON.parse makes "__proto__" an own key; keep such a document out rather than reason about it.
  return Object.keys(v).every((k) => k !== '__proto__') && Object.values(v).every(jsonExact);
}

/** The value remembered for exactly this text, if any. */
export function recallYaml(text: string, env: NodeJS.ProcessEnv = process.env): { value: unknown } | null {
  const dir = privateCacheDir('yaml', env);
  if (!dir) return null;
  try {
    const entry = JSON.parse(readFileSync(entryFile(dir, text), 'utf8')) as { text?: unknown; value?: unknown };
    return entry.text === text && 'value' in entry ? { value: entry.value } : null;
  } catch {
    return null;
  }
}

/** Remember what this text parsed to, when JSON can hold it exactly. */
export function rememberYaml(text: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  const dir = privateCacheDir('yaml', env);
  if (dir && jsonExact(value)) storePrivately(dir, entryFile(dir, text), () => JSON.stringify({ text, value }), KEEP);
}
