import { existsSync } from 'node:fs';
import { layout, unikHome } from '../../lib/home.js';
import { readLock } from '../../targets/sources.js';
import type { SourceName } from '../../targets/known-sources.js';

/**
 * Where the product keeps a source (the user's UNIK_HOME or the default), or null after printing ONE loud
 * line saying what is missing, so a skipped integration suite is never silent.
 */
export function productSource(name: SourceName, suite: string): string | null {
  const l = layout(unikHome());
  const entry = readLock(l).sources[name];
  if (entry && existsSync(entry.path)) return entry.path;
  console.warn(`\n*** SKIPPING ${suite}: ${name} sources are missing from ${l.sources} — run "unik sources add ${name} <git-url-or-checkout>" ***\n`);
  return null;
}
