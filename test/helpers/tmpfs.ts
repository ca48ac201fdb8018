import { execa } from 'execa';
import { mkdirSync } from 'node:fs';

/**
 * A small tmpfs mounted at `dir` (a full disk on demand), or null after ONE loud line when this host cannot
 * mount one (not root). Unmount it with the returned function.
 */
export async function smallTmpfs(dir: string, size: string, suite: string): Promise<(() => Promise<void>) | null> {
  mkdirSync(dir, { recursive: true });
  const res = await execa('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { reject: false });
  if (res.exitCode !== 0) {
    console.warn(`\n*** SKIPPING ${suite}: cannot mount a tmpfs here (${res.stderr.trim() || 'mount failed'}; needs root) ***\n`);
    return null;
  }
  return async () => {
    await execa('umount', [dir], { reject: false });
  };
}
