import { existsSync, promises as fsp } from 'node:fs';
import { basename, join } from 'node:path';
import type { StepRunner } from '../../lib/steps.js';
import { isIncomplete } from '../../lib/workdir.js';
import type { OsvFs } from './drivers.js';

/** What kernel-cache.ts records next to a cached kernel (kernel.json). */
export interface KernelMeta {
  commit: string;
  dirty: boolean;
  makeArgs: string[];
  fs: OsvFs;
  outDir: string;
  /** The patches of the tree it was built in (kernel-cache.ts patchIds); absent before unik patched OSv. */
  patches?: string[];
}

/**
 * Pure: the out directory a new kernel's build can start from: one of the same clean commit, built for rofs
 * (so its bootfs is the empty one), sharing the most make flags. OSv's make is built for this: drivers_config.h
 * and the kernel_config_*.h headers are rewritten only where they change, so only the files that include a
 * changed one are recompiled (minutes, not the hour a clean build can take on 2 busy cores). The seed's tree
 * must have had no patch that the new tree lacks: a patched file is newer than the objects of an unpatched
 * tree, so make recompiles it, but an object built from a patch is newer than the pristine file too.
 */
export function pickSeed(metas: KernelMeta[], commit: string, makeArgs: string[], patches: string[] = []): KernelMeta | null {
  const shared = (m: KernelMeta) => m.makeArgs.filter((a) => makeArgs.includes(a)).length - m.makeArgs.filter((a) => !makeArgs.includes(a)).length;
  const fit = metas.filter((m) => m.commit === commit && !m.dirty && m.fs === 'rofs' && (m.patches ?? []).every((p) => patches.includes(p)));
  return fit.sort((a, b) => shared(b) - shared(a) || a.outDir.localeCompare(b.outDir))[0] ?? null;
}

/** Whether a seed's out directory is there, complete, and another than `out`. */
export const seedSound = (seed: KernelMeta, out: string): boolean =>
  seed.outDir !== out && OUT_DIR.test(seed.outDir) && existsSync(join(seed.outDir, 'loader.elf')) && !isIncomplete(seed.outDir);

/** Pure: make's dependency lists name the out directory (build/unik-<key>.x64/…); re-point them at the copy. */
export const repointDeps = (text: string, fromRel: string, toRel: string): string => text.split(`${fromRel}/`).join(`${toRel}/`);

/** The files in an out directory that name it: make's .d dependency lists and Kconfig's .cmd lists. */
const NAMES_OUT_DIR = /\.(d|cmd)$/;

/** Pure: an out directory as OSv's Makefile names it, build/<name>.x64 under its tree. */
const OUT_DIR = /\/build\/unik-[0-9a-f]+\.x64$/;

/**
 * Copy a complete out directory of the same commit (in this tree or another copy of it) into a fresh one
 * (timestamps kept, so make sees what is up to date), re-point its dependency lists, which name sources
 * relative to the tree, and drop its configuration (.config, kernel_conf.mk) so that `make config` starts from
 * OSv's defaults again. Returns false when the seed is not there or not sound.
 */
export async function seedOutDir(run: StepRunner, seed: KernelMeta, out: string, outRel: string): Promise<boolean> {
  const from = seed.outDir;
  if (!seedSound(seed, out)) return false;
  const fromRel = `build/${basename(from)}`;
  await run.step(`seed the OSv out directory from ${from} (cp -a)`, 'cp', ['-a', `${from}/.`, out]);
  for (const f of await fsp.readdir(out, { recursive: true })) {
    if (!NAMES_OUT_DIR.test(f)) continue;
    const text = await fsp.readFile(join(out, f), 'utf8');
    const next = repointDeps(text, fromRel, outRel);
    if (next !== text) await fsp.writeFile(join(out, f), next);
  }
  for (const f of ['.config', 'gen/config/kernel_conf.mk']) await fsp.rm(join(out, f), { force: true });
  return true;
}
