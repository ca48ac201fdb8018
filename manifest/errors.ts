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
  usageError(`${displayPath(manifestPath)}: ${field}: expected ${expected}, found ${found}`);
