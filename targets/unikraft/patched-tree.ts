import { sha256 } from '../../lib/sha256.js';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempSibling } from '../../lib/atomic.js';
import type { StepRunner } from '../../lib/steps.js';
import type { ResolvedSource } from '../../sources/cache.js';
import type { SourcePatch } from '../target.js';

/** Pure: where the copy of `commit` with these patches lives: one directory per (commit, patch set). */
export function patchedTreeDir(buildsDir: string, commit: string, patches: SourcePatch[]): string {
  const set = sha256();
  for (const p of patches) set.update(`${p.file}\0${p.sha256}\0`);
  return join(buildsDir, 'unikraft-src', `${commit.slice(0, 12)}-${set.digest('hex').slice(0, 12)}`);
}

/**
 * The Unikraft tree make builds from. For a clean checkout: a copy of its commit (git archive, so nothing in the
 * sources cache is touched or linked) with unik's patches applied, made once per (commit, patch set) under
 * UNIK_HOME/builds/unikraft-src and reused after. A modified checkout is built as it is, unpatched: its
 * uncommitted state has no name to key a copy by, and the user's own edits come first.
 */
export async function patchedTree(src: ResolvedSource, patches: SourcePatch[], buildsDir: string, run: StepRunner): Promise<{ path: string; applied: SourcePatch[] }> {
  if (src.dirty || !patches.length) return { path: src.path, applied: [] };
  const dir = patchedTreeDir(buildsDir, src.commit, patches);
  if (existsSync(dir)) return { path: dir, applied: patches };
  const tmp = tempSibling(dir);
  const tar = `${tmp}.tar`;
  await mkdir(tmp, { recursive: true });
  try {
    await run.step('copy the pinned Unikraft sources (git archive)', 'git', ['-C', src.path, 'archive', '--format=tar', '-o', tar, src.commit]);
    // -m: files get the time of unpacking, so make never takes a copied source for older than an object.
    await run.step('unpack the copy (tar)', 'tar', ['-x', '-m', '-f', tar, '-C', tmp]);
    for (const p of patches) {
      await run.step(`apply ${p.file} (patch)`, 'patch', ['--batch', '--forward', '--fuzz=0', '-p1', '-d', tmp, '-i', p.path]);
    }
    // A build that made the same copy meanwhile wins; ours goes.
    await rename(tmp, dir).catch((e: unknown) => {
      if (!existsSync(dir)) throw e;
    });
  } finally {
    await rm(tar, { force: true });
    await rm(tmp, { recursive: true, force: true });
  }
  return { path: dir, applied: patches };
}
