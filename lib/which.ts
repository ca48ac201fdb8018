import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** sbin directories are searched too: Debian installs runc and dockerd there, and a user's PATH often lacks them. */
const EXTRA_DIRS = ['/usr/local/sbin', '/usr/sbin', '/sbin'];

/**
 * The first executable called `cmd` on PATH (then the sbin directories), or null. Synchronous and
 * spawn-free, so hot paths such as `unik run` stay fast.
 */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), ...EXTRA_DIRS];
  const candidates = isAbsolute(cmd) ? [cmd] : dirs.map((d) => join(d, cmd));
  for (const c of candidates) {
    // stat first: most PATH entries lack the file, and a thrown ENOENT per entry costs more than the search.
    if (!statSync(c, { throwIfNoEntry: false })?.isFile()) continue;
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      continue;
    }
  }
  return null;
}
