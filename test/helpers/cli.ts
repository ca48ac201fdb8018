import { execa } from 'execa';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(ROOT, 'dist', 'cli', 'main.cjs');

/** Run the built CLI as a user would; never throws, returns exit code and both streams. */
export function unik(args: string[], env: Record<string, string> = {}, cwd = ROOT) {
  return execa(process.execPath, [CLI, ...args], { env, cwd, reject: false, stdin: 'ignore' });
}
