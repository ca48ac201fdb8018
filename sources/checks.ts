import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../lib/check.js';
import type { Layout } from '../lib/home.js';
import type { TargetName } from '../manifest/manifest.js';
import { inspectCheckout, readLock } from './cache.js';
import { KNOWN_SOURCES, type SourceName } from './known-sources.js';

/**
 * `unik doctor`'s lines for one framework's known sources: present, at the pinned ref, unmodified, with their
 * submodules. A missing `required` source fails (nothing builds without it); the others warn.
 */
export async function sourceChecks(l: Layout, framework: TargetName, required: readonly SourceName[]): Promise<Check[]> {
  const lock = readLock(l);
  const checks: Check[] = [];
  for (const name of (Object.keys(KNOWN_SOURCES) as SourceName[]).filter((n) => KNOWN_SOURCES[n].framework === framework)) {
    const known = KNOWN_SOURCES[name];
    const entry = lock.sources[name];
    if (!entry || !existsSync(entry.path)) {
      checks.push({
        name: `source ${name}`,
        status: required.includes(name) ? 'fail' : 'warn',
        detail: `missing (${known.description})`,
        fix: `unik sources add ${name} <git-url-or-local-checkout>   (default ${known.url} at ${known.ref})`,
      });
      continue;
    }
    const noSub = ('submodules' in known ? known.submodules : []).filter((p) => !existsSync(join(entry.path, p, '.git')));
    if (noSub.length) {
      checks.push({
        name: `source ${name}`,
        status: 'warn',
        detail: `submodules missing in ${entry.path}: ${noSub.join(', ')}`,
        fix: `unik sources add ${name} <git-url-or-local-checkout-with-submodules>`,
      });
      continue;
    }
    const live = await inspectCheckout(name, entry.path, entry.ref);
    const pinned = entry.ref === known.ref;
    checks.push({
      name: `source ${name}`,
      status: pinned && !live.dirty ? 'ok' : 'warn',
      detail: `${entry.ref} at ${live.commit.slice(0, 12)}${live.dirty ? ' (modified)' : ''} in ${entry.path}`,
      fix: pinned ? (live.dirty ? `git -C ${entry.path} stash  (builds from a modified tree are never cached)` : null) : `unik sources add ${name} ${entry.origin} --ref ${known.ref}  (the pinned, tested version)`,
    });
  }
  return checks;
}
