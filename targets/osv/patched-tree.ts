import { existsSync } from 'node:fs';
import type { StepRunner } from '../../lib/steps.js';
import type { ResolvedSource } from '../../sources/cache.js';
import type { SourcePatch } from '../target.js';
import { patchedCopy, patchedTreeDir, type BuildTree } from '../source-patches.js';

/**
 * The OSv tree make builds in. For a clean checkout: a copy of its working tree with the submodules OSv needs
 * and its .git (OSv's version string comes from `git describe`), without build/, under
 * UNIK_HOME/builds/osv-src, with unik's patches applied; made once per (commit, patch set). tar keeps the
 * files' times, so an out directory of the checkout seeds one here (seed.ts) and make recompiles only what a
 * patch touched. A modified checkout is built in place, unpatched.
 */
/** The tree osvTree will give, and whether it must make the copy first (its steps run then). */
export function plannedOsvTree(src: ResolvedSource, patches: SourcePatch[], buildsDir: string): { tree: BuildTree; copies: boolean } {
  if (src.dirty || !patches.length) return { tree: { path: src.path, applied: [] }, copies: false };
  const path = patchedTreeDir(buildsDir, 'osv-src', src.commit, patches);
  return { tree: { path, applied: patches }, copies: !existsSync(path) };
}

export function osvTree(src: ResolvedSource, patches: SourcePatch[], buildsDir: string, run: StepRunner): Promise<BuildTree> {
  return patchedCopy(src, patchedTreeDir(buildsDir, 'osv-src', src.commit, patches), patches, run, async (tmp, tar) => {
    await run.step('copy the pinned OSv sources with their submodules (tar, times kept)', 'tar', ['-c', '-f', tar, '--exclude=./build', '-C', src.path, '.']);
    await run.step('unpack the copy (tar)', 'tar', ['-x', '-f', tar, '-C', tmp]);
  });
}
