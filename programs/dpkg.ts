import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const INFO = '/var/lib/dpkg/info';

/**
 * Pure: the names a file may be listed under in dpkg's database. With Debian's merged /usr, /lib/x/libz.so.1
 * and /usr/lib/x/libz.so.1 are the same file, and a package lists whichever path it shipped.
 */
export function dpkgAliases(...paths: string[]): string[] {
  const out = new Set<string>();
  for (const p of paths) {
    out.add(p);
    if (/^\/usr\/(lib|lib64|bin|sbin)\//.test(p)) out.add(p.slice(4));
    else if (/^\/(lib|lib64|bin|sbin)\//.test(p)) out.add(`/usr${p}`);
  }
  return [...out];
}

/** Pure: path → package from the contents of dpkg's *.list files (file name → text), as `dpkg -S` answers. */
export function ownersFromLists(lists: Iterable<[string, string]>, wanted: ReadonlySet<string>): Map<string, string> {
  const owners = new Map<string, string>();
  for (const [file, text] of lists) {
    const pkg = file.replace(/\.list$/, '');
    for (const line of text.split('\n')) if (wanted.has(line) && !owners.has(line)) owners.set(line, pkg);
  }
  return owners;
}

/**
 * The Debian package of each file (by any of its paths: as found, real, merged-/usr alias), or null where dpkg
 * does not know it (or there is no dpkg). Reads /var/lib/dpkg/info/*.list once, as `dpkg -S` does.
 */
export function debianPackages(files: { path: string; real: string }[], infoDir = INFO): (string | null)[] {
  if (!existsSync(infoDir)) return files.map(() => null);
  const aliases = files.map((f) => dpkgAliases(f.path, f.real));
  const wanted = new Set(aliases.flat());
  const lists = readdirSync(infoDir)
    .filter((f) => f.endsWith('.list'))
    .map((f) => [f, readFileSync(join(infoDir, f), 'utf8')] as [string, string]);
  const owners = ownersFromLists(lists, wanted);
  return aliases.map((names) => names.map((n) => owners.get(n)).find((p) => p !== undefined) ?? null);
}
