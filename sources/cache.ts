import { existsSync, promises as fsp } from 'node:fs';
import { join, resolve } from 'node:path';
import { sha256File, tempSibling, writeJsonAtomic } from '../lib/atomic.js';
import { failure, usageError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import { query } from '../lib/steps.js';
import { archiveProblem } from './archive-check.js';
import { ARCHIVE_ORIGINS, isSourceName, KNOWN_SOURCES, type ArchiveSpec, type KnownSource, type SourceName } from './known-sources.js';
import { readLock, type ArchiveEntry, type SourceEntry } from './lock.js';
import { findMirror, mirrorCandidates, resolveSubmoduleUrl } from './mirrors.js';
import { parseStatusV2, STATUS_ARGS } from './git-status.js';
import { askWatcher, startWatcher } from './watch-client.js';
import { watchingOn } from './watch-dir.js';

export type { SourceName } from './known-sources.js';
export { parseStatusV2 } from './git-status.js';
// sources.json alone lives in lock.ts, so readers that need no git (toolchain install's no-op) stay light.
export { readLock, type ArchiveEntry, type SourceEntry, type SourcesLock } from './lock.js';

/** A source as a build sees it: the checkout's live state, not only what was recorded. */
export interface ResolvedSource {
  name: SourceName;
  path: string;
  ref: string;
  commit: string;
  dirty: boolean;
}

/** git for the cache's own work (clone, checkout, archive); execa loads only then, never on a cached build. */
const git = async (args: string[], cwd?: string) => (await import('execa')).execa('git', args, { cwd, stdin: 'ignore' });

/** Refs become git arguments: refuse anything that could read as an option or a revision expression. */
function checkRef(ref: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._/+-]{0,99}$/.test(ref) || ref.includes('..')) {
    throw usageError(`--ref: expected a tag, branch or commit of letters, digits and ._/+-, found ${JSON.stringify(ref)}`);
  }
  return ref;
}

/**
 * Clone `location` (git URL or local checkout; default: the upstream URL, or its clone in `mirrors`) into the
 * sources cache at `ref` (default: the pinned ref), record the resolved commit, and build any archives the
 * source provides. Submodules come from the checkout's own copies, else from `mirrors`, else their URLs.
 */
export async function addSource(l: Layout, name: string, location?: string, ref?: string, mirrors?: string): Promise<SourceEntry> {
  if (!isSourceName(name)) {
    throw usageError(`source: expected one of ${Object.keys(KNOWN_SOURCES).join(', ')}, found ${JSON.stringify(name)}`);
  }
  const known: KnownSource = KNOWN_SOURCES[name];
  const wantRef = checkRef(ref ?? known.ref);
  if (mirrors && !existsSync(mirrors)) throw usageError(`--mirrors: expected an existing directory, found ${JSON.stringify(mirrors)}`);
  if (!location && mirrors) {
    location = findMirror(mirrors, known.url, name) ?? undefined;
    if (!location) throw usageError(`--mirrors: expected a clone of ${name} in ${mirrors} (${mirrorCandidates(mirrors, known.url, name).join(' or ')}), found none`);
  }
  const origin = location ? (/^[a-z+]+:\/\//.test(location) || location.includes('@') ? location : resolve(location)) : known.url;
  if (origin.startsWith('-')) throw usageError(`location: expected a git URL or directory, found ${JSON.stringify(location)}`);
  if (!/^[a-z+]+:\/\//.test(origin) && !origin.includes('@') && !existsSync(origin)) {
    throw usageError(`location: expected a git URL or an existing directory, found ${JSON.stringify(location)}, which does not exist`);
  }

  const dest = join(l.sources, name);
  const tmp = tempSibling(dest);
  await fsp.mkdir(l.sources, { recursive: true });
  let commit: string | null = null;
  try {
    await git(['clone', '--quiet', '--no-checkout', '--', origin, tmp]);
    commit = await commitOf(tmp, wantRef);
    if (commit) {
      await git(['checkout', '--quiet', '--detach', commit], tmp);
      for (const sub of known.submodules ?? []) await addSubmodule(tmp, origin, sub, known.url, mirrors);
    }
  } catch (e) {
    await fsp.rm(tmp, { recursive: true, force: true });
    const msg = (e as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? String(e);
    throw failure(`sources add ${name}: could not clone ${origin} at ${wantRef}: ${msg}`);
  }
  if (!commit) {
    await fsp.rm(tmp, { recursive: true, force: true });
    throw usageError(`${ref ? '--ref' : `the pinned ref of ${name}`}: expected a tag, branch or commit of ${origin}, found ${JSON.stringify(wantRef)}, which it does not have`);
  }
  await fsp.rm(dest, { recursive: true, force: true });
  await fsp.rename(tmp, dest);

  const entry: SourceEntry = { name, origin, ref: wantRef, commit, path: dest, addedAt: new Date().toISOString() };
  const lock = readLock(l);
  lock.sources[name] = entry;
  for (const spec of known.archives ?? []) {
    if (spec.fromGit) lock.archives[spec.url] = await archiveFromGit(l, name, dest, commit, spec);
  }
  await writeJsonAtomic(l.sourcesLock, lock);
  return entry;
}

/** The commit `ref` names in a fresh clone (a tag, a commit, or a branch, which a clone has as origin/<ref>), or null. */
async function commitOf(repo: string, ref: string): Promise<string | null> {
  for (const candidate of [ref, `origin/${ref}`]) {
    const res = await query('git', ['rev-parse', '--verify', '--quiet', '--end-of-options', `${candidate}^{commit}`], { cwd: repo });
    if (res.code === 0) return res.stdout.trim();
  }
  return null;
}

/**
 * Check out one submodule at the commit the superproject pins, cloned from (offline first): the local
 * checkout's own copy when `origin` is a directory that has it; a clone in `mirrors` named after the URL in
 * .gitmodules (resolved against the superproject's upstream `superUrl`) that has the commit; else by git from
 * that URL.
 */
async function addSubmodule(repo: string, origin: string, path: string, superUrl: string, mirrors?: string): Promise<void> {
  const pinned = /^160000 commit ([0-9a-f]{40})\t/.exec((await git(['ls-tree', 'HEAD', '--', path], repo)).stdout)?.[1];
  if (!pinned) throw new Error(`${path} is not a submodule of this commit`);
  const dest = join(repo, path);
  const local = existsSync(join(origin, path, '.git')) ? [join(origin, path)] : [];
  const url = mirrors ? await submoduleUrl(repo, path) : null;
  for (const from of [...local, ...(url ? mirrorCandidates(mirrors!, resolveSubmoduleUrl(superUrl, url)).filter((p) => existsSync(p)) : [])]) {
    await fsp.rm(dest, { recursive: true, force: true });
    await git(['clone', '--quiet', '--no-checkout', '--', from, dest]);
    // A clone of another fork of the same name may lack the commit: then the next candidate.
    if ((await query('git', ['checkout', '--quiet', '--detach', pinned], { cwd: dest })).code === 0) return;
  }
  await fsp.rm(dest, { recursive: true, force: true });
  await git(['submodule', 'update', '--init', '--quiet', '--', path], repo);
}

/** The URL .gitmodules gives the submodule at `path` (its name may differ from its path). */
async function submoduleUrl(repo: string, path: string): Promise<string | null> {
  const cfg = (args: string[]) => query('git', ['config', '-f', '.gitmodules', ...args], { cwd: repo });
  const names = (await cfg(['--get-regexp', '^submodule\\..*\\.path$'])).stdout.split('\n');
  const key = names.find((line) => line.endsWith(` ${path}`))?.split(' ')[0]?.replace(/\.path$/, '');
  return key ? (await cfg(['--get', `${key}.url`])).stdout.trim() || null : null;
}

async function archiveFromGit(l: Layout, name: SourceName, repo: string, commit: string, spec: ArchiveSpec): Promise<ArchiveEntry> {
  const out = join(l.archives, spec.file);
  const tmp = tempSibling(out);
  await fsp.mkdir(l.archives, { recursive: true });
  await git(['archive', `--format=${spec.fromGit!.format}`, `--prefix=${spec.fromGit!.prefix}`, '-o', tmp, commit], repo);
  await fsp.rename(tmp, out);
  return { url: spec.url, file: spec.file, path: out, sha256: await sha256File(out), from: { source: name, commit } };
}

/** What `sources add-archive` did: the entry, and the checksum it replaced (null: new, or the same bytes). */
export interface AddedArchive {
  entry: ArchiveEntry;
  replacedSha256: string | null;
}

/**
 * Put an archive the user obtained into the cache; with `expectSha256` it is refused unless it matches. A URL
 * whose checksum is already pinned in sources.json keeps it: a different file is refused unless `force`.
 */
export async function addArchive(l: Layout, url: string, file: string, expectSha256?: string, force = false): Promise<AddedArchive> {
  if (!/^https?:\/\/[^\s]+\/[^/\s]+$/.test(url)) throw usageError(`url: expected the http(s) URL the build downloads, found ${JSON.stringify(url)}`);
  const st = await fsp.stat(file).catch(() => null);
  if (!st?.isFile()) throw usageError(`file: expected an existing archive file, found ${JSON.stringify(file)}`);
  const sha256 = await sha256File(file);
  if (expectSha256 && sha256 !== expectSha256.toLowerCase()) {
    throw usageError(`--sha256: expected the archive's checksum ${expectSha256}, found ${sha256} for ${file}`);
  }
  const name = url.slice(url.lastIndexOf('/') + 1);
  if (!/^[A-Za-z0-9._+-]+$/.test(name)) throw usageError(`url: expected a file name of letters, digits and ._+- at its end, found ${JSON.stringify(name)}`);
  const known = ARCHIVE_ORIGINS[url]?.sha256;
  if (known && sha256 !== known) throw usageError(`file: expected ${url} as published (sha256 ${known}), found sha256 ${sha256} in ${file}`);
  const pinned = readLock(l).archives[url]?.sha256 ?? null;
  if (pinned && pinned !== sha256 && !force) {
    throw usageError(`file: expected the archive pinned for ${url} (sha256 ${pinned}), found sha256 ${sha256} in ${file}; pass --force to replace the pinned checksum`);
  }
  const out = join(l.archives, name);
  const tmp = tempSibling(out);
  await fsp.mkdir(l.archives, { recursive: true });
  await fsp.copyFile(file, tmp);
  await fsp.rename(tmp, out);
  const entry: ArchiveEntry = { url, file: name, path: out, sha256 };
  const lock = readLock(l);
  lock.archives[url] = entry;
  await writeJsonAtomic(l.sourcesLock, lock);
  return { entry, replacedSha256: pinned && pinned !== sha256 ? pinned : null };
}

/** The known source whose `archives` provide this URL (so the fix can name it). */
const providerOf = (url: string): SourceName | undefined =>
  (Object.keys(KNOWN_SOURCES) as SourceName[]).find((n) => ((KNOWN_SOURCES[n] as KnownSource).archives ?? []).some((a) => a.url === url));

/** Pure: the command that puts this archive into the cache: the source that makes it, or add-archive and where the file comes from. */
function archiveFix(url: string, builder: SourceName): string {
  const origin = ARCHIVE_ORIGINS[url];
  const provider = providerOf(url);
  if (provider || !origin) return `run "unik sources add ${provider ?? builder}"`;
  const file = url.slice(url.lastIndexOf('/') + 1);
  return `run "unik sources add-archive ${url} ${file}" with ${file} from ${origin.from}; scripts/setup.sh does it`;
}

/**
 * Check every archive the builds of these sources download against sources.json, before any tool runs:
 * a tampered or missing archive is the headline error, not a make failure (and is caught even when an
 * existing build directory means make would never fetch it again).
 */
export async function checkArchives(l: Layout, names: readonly SourceName[]): Promise<void> {
  const lock = readLock(l);
  for (const name of names) {
    for (const url of (KNOWN_SOURCES[name] as KnownSource).buildFetches ?? []) {
      const fix = archiveFix(url, name);
      const entry = lock.archives[url];
      if (!entry) throw failure(`archive ${url} (downloaded by ${name}'s build) is not in unik's archive cache; ${fix}`);
      const bad = await archiveProblem(entry);
      if (bad) throw failure(`archive ${entry.file} (downloaded by ${name}'s build): ${bad}; refusing to build (restore it: ${fix})`);
    }
  }
}

/** The live state of the named sources; a missing one is a clear, fixable error. */
export async function resolveSources(l: Layout, names: readonly SourceName[]): Promise<Record<string, ResolvedSource>> {
  const lock = readLock(l);
  const out: Record<string, ResolvedSource> = {};
  for (const name of names) {
    const entry = lock.sources[name];
    if (!entry || !existsSync(entry.path)) {
      throw failure(
        `source ${name} is missing: run "unik sources add ${name} <git-url-or-local-checkout>" ` +
          `(default ${KNOWN_SOURCES[name].url} at ${KNOWN_SOURCES[name].ref})`,
      );
    }
    out[name] = await inspectCheckout(name, entry.path, entry.ref, l.sources);
  }
  return out;
}

/**
 * The checkout's commit and whether it was edited: every cached build asks this. Its watcher answers when one
 * runs (sources/watcher.ts: a file, not a process); otherwise one git process gives both answers, and a
 * watcher is started for the next build (UNIK_SOURCE_WATCH=off: never).
 */
export async function inspectCheckout(name: SourceName, path: string, ref: string, sourcesDir?: string): Promise<ResolvedSource> {
  const watching = sourcesDir !== undefined && watchingOn();
  const told = watching ? askWatcher(sourcesDir, path) : null;
  if (told) return { name, path, ref, ...told };
  const res = await query('git', STATUS_ARGS, { cwd: path });
  const { commit, changes } = parseStatusV2(res.stdout);
  if (res.code !== 0 || !commit) throw failure(`source ${name} at ${path} is not a readable git checkout: ${res.stderr.trim().split('\n').at(-1) ?? `git status exit ${res.code}`}`);
  if (watching) startWatcher(sourcesDir, path);
  return { name, path, ref, commit, dirty: changes.length > 0 };
}
