import { relative } from 'node:path';
import { usageError, type UnikError } from '../lib/errors.js';

/** The manifest's path as the user would type it: relative to the working directory when inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/**
 * The one shape of a manifest problem: "unik.yaml: field: expected X, found Y" (exit 2). Adapters use it for
 * target-specific rules, so their messages read like the schema's.
 */
export const manifestError = (manifestPath: string, field: string, expected: string, found: string): UnikError =>
  usageError(`${displayPath(manifestPath)}: ${field}: expected ${expected}, found ${found.length > FOUND_MAX ? `${found.slice(0, FOUND_MAX - 1)}…` : found}`);

/** Values echoed in errors are cut short: a message names what is wrong, it never reprints a file. */
const FOUND_MAX = 200;

/** A value as it is quoted in an error, at most 60 characters. */
export function shortValue(v: unknown): string {
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 60 ? `${s.slice(0, 56)}…${s.at(-1) === '"' ? '"' : ''}` : s;
}
