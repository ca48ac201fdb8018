import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The unik checkout/package root, found from this file whether it runs from dist/ or from source (tests). */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('unik: package.json not found above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}
