import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Resolve a command on PATH without spawning anything (hot paths such as `unik run` stay fast). */
export function which(cmd: string, env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = isAbsolute(cmd) ? [cmd] : (env.PATH ?? '').split(delimiter).filter(Boolean).map((d) => join(d, cmd));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      if (statSync(c).isFile()) return c;
    } catch {
      continue;
    }
  }
  return null;
}
