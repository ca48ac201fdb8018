import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tmpPrefix } from './helpers/tmp.js';

/**
 * The suite's temp directories (test/helpers/tmp.ts) go when it ends: they hold homes with built kernels and
 * snapshot RAM files, several GiB a run, and a machine that runs the suite often filled its disk with them.
 * Each run names its own (a token in UNIK_TEST_RUN, inherited by the workers started after this), so a run
 * removes only what it made, never a concurrent run's. One that cannot be removed (a mount a test left busy) is
 * left and named. Removed asynchronously: tens of seconds of blocking removal kept vitest from seeing its last
 * worker stop.
 */
export default function setup(): () => Promise<void> {
  process.env.UNIK_TEST_RUN = `${process.pid}${Date.now().toString(36)}`;
  const prefix = tmpPrefix();
  return async () => {
    for (const name of readdirSync(tmpdir())) {
      if (!name.startsWith(prefix)) continue;
      try {
        await rm(join(tmpdir(), name), { recursive: true, force: true });
      } catch (e) {
        console.warn(`left ${join(tmpdir(), name)}: ${(e as Error).message}`);
      }
    }
  };
}
