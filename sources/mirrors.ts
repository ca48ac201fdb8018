import { existsSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A directory of local clones standing in for the network (UNIK_SOURCES_FROM, `sources add --mirrors`): each
 * repository as DIR/<source name> (a checkout) or DIR/<owner>+<repo>/repo (a bare mirror, as fetched snapshots
 * are laid out).
 */

/** Pure: owner and repository of a hosted git URL (https://host/owner/repo(.git), git@host:owner/repo), else null. */
export function repoOf(url: string): { owner: string; repo: string } | null {
  const m = /^(?:[a-z+]+:\/\/[^/]+\/|[^@/\s]+@[^:/\s]+:)([^/\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url);
  return m ? { owner: m[1]!, repo: m[2]! } : null;
}

/** Pure: a submodule URL from .gitmodules, resolved against the superproject's URL the way git does ("../x"). */
export function resolveSubmoduleUrl(superUrl: string, url: string): string {
  if (!url.startsWith('./') && !url.startsWith('../')) return url;
  const base = superUrl.replace(/\/+$/, '').split('/');
  let rest = url;
  for (;;) {
    if (rest.startsWith('./')) rest = rest.slice(2);
    else if (rest.startsWith('../')) {
      base.pop();
      rest = rest.slice(3);
    } else break;
  }
  return [...base, rest].join('/');
}

/** Pure: where a mirror directory may hold the repository at `url` (source `name`, for a plain checkout). */
export function mirrorCandidates(dir: string, url: string, name?: string): string[] {
  const r = repoOf(url);
  return [...(name ? [join(dir, name)] : []), ...(r ? [join(dir, `${r.owner}+${r.repo}`, 'repo'), join(dir, r.repo)] : [])];
}

/** The first candidate that exists. */
export const findMirror = (dir: string, url: string, name?: string): string | null =>
  mirrorCandidates(dir, url, name).find((p) => existsSync(p)) ?? null;
