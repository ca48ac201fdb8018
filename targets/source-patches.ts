import { sha256 } from '../lib/sha256.js';
import { fileSha256 } from '../lib/sha256-memo.js';
import { existsSync, readdirSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import type { StepRunner } from '../lib/steps.js';
import type { ResolvedSource, SourceName } from '../sources/cache.js';
import type { SourcePatch } from './target.js';

/** The reviewed patches to one source kept in `dir` of unik's repo, in file-name order (the order they are applied), with their content hashes. */
export function patchesIn(source: SourceName, dir: string): SourcePatch[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.patch'))
    .sort()
    .map((file) => {
      const path = join(dir, file);
      return { source, file, path, sha256: fileSha256(path) };
    });
}

/** Pure: where a patched copy of `commit` lives under UNIK_HOME/builds/<kind>: one directory per (commit, patch set). */
export function patchedTreeDir(buildsDir: string, kind: string, commit: string, patches: SourcePatch[]): string {
  const set = sha256();
  for (const p of patches) set.update(`${p.file}\0${p.sha256}\0`);
  return join(buildsDir, kind, `${commit.slice(0, 12)}-${set.digest('hex').slice(0, 12)}`);
}

/** Apply each patch to the copy in `dir`, exactly (no fuzz): a patch that no longer fits fails the build. */
export async function applyPatches(run: StepRunner, dir: string, patches: SourcePatch[]): Promise<void> {
  for (const p of patches) await run.step(`apply ${p.file} (patch)`, 'patch', ['--batch', '--forward', '--fuzz=0', '-p1', '-d', dir, '-i', p.path]);
}

/** A source tree a build reads: the patched copy, or the checkout itself with nothing applied. */
export interface BuildTree {
  path: string;
  applied: SourcePatch[];
}

/**
 * The patched copy of a clean checkout at `dir`, made once: `copy(tmp, tar)` fills a fresh sibling directory
 * (through the scratch archive `tar`), the patches are applied there, and it is renamed into place. A modified
 * checkout is built as it is, unpatched: its uncommitted state has no name to key a copy by, and the user's own
 * edits come first.
 */
export async function patchedCopy(src: ResolvedSource, dir: string, patches: SourcePatch[], run: StepRunner, copy: (tmp: string, tar: string) => Promise<void>): Promise<BuildTree> {
  if (src.dirty || !patches.length) return { path: src.path, applied: [] };
  if (existsSync(dir)) return { path: dir, applied: patches };
  const tmp = tempSibling(dir);
  const tar = `${tmp}.tar`;
  await fsp.mkdir(tmp, { recursive: true });
  try {
    await copy(tmp, tar);
    await applyPatches(run, tmp, patches);
    // A build that made the same copy meanwhile wins; ours goes.
    await fsp.rename(tmp, dir).catch((e: unknown) => {
      if (!existsSync(dir)) throw e;
    });
  } finally {
    await fsp.rm(tar, { force: true });
    await fsp.rm(tmp, { recursive: true, force: true });
  }
  return { path: dir, applied: patches };
}
