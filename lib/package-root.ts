import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let found: string | null = null;

/** The unik checkout/package root, found from this file whether it runs from dist/ or from source (tests); once per process. */
export function packageRoot(): string {
  if (found) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('unik: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  found = dir;
  return dir;
}
