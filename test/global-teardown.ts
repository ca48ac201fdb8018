import { readdirSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PREFIX = 'unik-test-';

/**
 * The suite's temp directories (test/helpers/tmp.ts) go when it ends: they hold homes with built kernels and
 * snapshot RAM files, several GiB a run, and a machine that runs the suite often filled its disk with them.
 * Only those made during this run; one that cannot be removed (a mount a test left busy) is left and named.
 * Removed asynchronously: tens of seconds of blocking removal kept vitest from seeing its last worker stop.
 */
export default function setup(): () => Promise<void> {
  const before = new Set(readdirSync(tmpdir()).filter((n) => n.startsWith(PREFIX)));
  return async () => {
    for (const name of readdirSync(tmpdir())) {
      if (!name.startsWith(PREFIX) || before.has(name)) continue;
      try {
        await rm(join(tmpdir(), name), { recursive: true, force: true });
      } catch (e) {
        console.warn(`left ${join(tmpdir(), name)}: ${(e as Error).message}`);
      }
    }
  };
}
