import type { StepRunner } from '../../lib/steps.js';
import type { ResolvedSource } from '../../sources/cache.js';
import type { SourcePatch } from '../target.js';
import { patchedCopy, patchedTreeDir as sourceTreeDir, type BuildTree } from '../source-patches.js';

/** Pure: where the copy of `commit` with these patches lives: one directory per (commit, patch set). */
export const patchedTreeDir = (buildsDir: string, commit: string, patches: SourcePatch[]): string => sourceTreeDir(buildsDir, 'unikraft-src', commit, patches);

/**
 * The Unikraft tree make builds from. For a clean checkout: a copy of its commit (git archive, so nothing in the
 * sources cache is touched or linked) with unik's patches applied, made once per (commit, patch set) under
 * UNIK_HOME/builds/unikraft-src and reused after. A modified checkout is built as it is, unpatched.
 */
export function patchedTree(src: ResolvedSource, patches: SourcePatch[], buildsDir: string, run: StepRunner): Promise<BuildTree> {
  return patchedCopy(src, patchedTreeDir(buildsDir, src.commit, patches), patches, run, async (tmp, tar) => {
    await run.step('copy the pinned Unikraft sources (git archive)', 'git', ['-C', src.path, 'archive', '--format=tar', '-o', tar, src.commit]);
    // -m: files get the time of unpacking, so make never takes a copied source for older than an object.
    await run.step('unpack the copy (tar)', 'tar', ['-x', '-m', '-f', tar, '-C', tmp]);
  });
}
