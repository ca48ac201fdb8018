import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Check } from '../lib/check.js';
import type { Layout } from '../lib/home.js';
import type { TargetName } from '../manifest/manifest.js';
import { inspectCheckout, readLock, type SourcesLock } from './cache.js';
import { KNOWN_SOURCES, type KnownSource, type SourceName } from './known-sources.js';

/**
 * `unik doctor`'s lines for one framework's known sources: present, at the pinned ref, unmodified, with their
 * submodules. A missing `required` source fails (nothing builds without it); the others warn. Library sources
 * (MirageOS's OCaml libraries) share one line, checked from sources.json alone.
 */
export async function sourceChecks(l: Layout, framework: TargetName, required: readonly SourceName[]): Promise<Check[]> {
  const lock = readLock(l);
  const checks: Check[] = [];
  const own = (Object.keys(KNOWN_SOURCES) as SourceName[]).filter((n) => KNOWN_SOURCES[n].framework === framework);
  for (const name of own.filter((n) => !isLibrary(n))) {
    const known: KnownSource = KNOWN_SOURCES[name];
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
    const noSub = (known.submodules ?? []).filter((p) => !existsSync(join(entry.path, p, '.git')));
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
  const libraries = own.filter(isLibrary);
  if (libraries.length) checks.push(librariesCheck(framework, libraries, lock));
  return checks;
}

const isLibrary = (n: SourceName): boolean => !!(KNOWN_SOURCES[n] as KnownSource).library;

function librariesCheck(framework: TargetName, names: SourceName[], lock: SourcesLock): Check {
  const missing = names.filter((n) => !lock.sources[n] || !existsSync(lock.sources[n].path));
  const repinned = names.filter((n) => !missing.includes(n) && lock.sources[n]!.ref !== KNOWN_SOURCES[n].ref);
  const bad = [...missing, ...repinned];
  return {
    name: `${framework} library sources`,
    status: bad.length ? 'warn' : 'ok',
    detail: bad.length
      ? `${names.length - bad.length}/${names.length} at their pinned refs; ${missing.length ? `missing ${missing.join(', ')}` : ''}${missing.length && repinned.length ? '; ' : ''}${repinned.length ? `at other refs: ${repinned.join(', ')}` : ''}`
      : `${names.length} OCaml libraries at their pinned refs`,
    fix: bad.length ? `unik sources add NAME [GIT-URL-OR-DIR] for each (scripts/setup.sh adds them all), e.g. unik sources add ${bad[0]}` : null,
  };
}
