import { untranslatable } from './types.js';

/** One `GUEST: HOST` line of an OSv usr.manifest, host path as written. */
export interface ManifestEntry {
  guest: string;
  host: string;
  line: number;
}

/**
 * Pure: the entries of an OSv module's usr.manifest. `[manifest]` headers and comments are skipped; a line that
 * is not `GUEST: HOST` is untranslatable.
 */
export function usrManifestEntries(text: string, file = 'usr.manifest'): ManifestEntry[] {
  const out: ManifestEntry[] = [];
  text.split('\n').forEach((raw, i) => {
    const l = raw.replace(/#.*$/, '').trim();
    if (!l || /^\[\w+\]$/.test(l)) return;
    const m = /^(\/\S*)\s*:\s*(\S.*)$/.exec(l);
    if (!m) throw untranslatable({ file, line: i + 1 }, l, 'expected "/guest/path: host/path"');
    out.push({ guest: m[1]!, host: m[2]!.trim(), line: i + 1 });
  });
  return out;
}

/** Pure: a module-relative host path (`${MODULE_DIR}/x` or `x`), or null for links, globs and paths outside the module. */
export function moduleRelative(host: string): string | null {
  const rel = host.replace(/^\$\{MODULE_DIR\}\//, '');
  if (rel.startsWith('->') || rel.includes('$') || rel.includes('*') || rel.startsWith('/') || rel.split('/').includes('..')) return null;
  return rel.replace(/^\.\//, '');
}
