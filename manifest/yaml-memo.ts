import { recall, remember } from '../lib/text-memo.js';

/**
 * Parsed manifests remembered across starts (lib/text-memo.ts, keyed by the whole text): parsing YAML (and
 * loading the parser) was a tenth of a cached `unik build`. What a remembered entry gives back still goes
 * through every check a fresh parse does.
 */

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
export const recallYaml = (text: string, env: NodeJS.ProcessEnv = process.env): { value: unknown } | null => recall('yaml', text, env);

/** Remember what this text parsed to, when JSON can hold it exactly. */
export function rememberYaml(text: string, value: unknown, env: NodeJS.ProcessEnv = process.env): void {
  if (jsonExact(value)) remember('yaml', text, value, env);
}
