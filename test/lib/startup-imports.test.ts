import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const ROOMS = ['lib', 'manifest', 'sources', 'toolchains', 'programs', 'machine', 'targets', 'importers', 'images', 'oci', 'run', 'runtime', 'bench', 'cli'];

const tsFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? tsFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/**
 * A static import of node:fs/promises loads it (and readline's interface with it) as soon as the importing module
 * initialises: 1.5–7 ms of every `unik run` here, which never needs it. node:fs's `promises` loads it on first use.
 */
describe('start-up imports', () => {
  it('no module imports node:fs/promises statically', () => {
    const offenders = ROOMS.flatMap((room) => tsFiles(join(ROOT, room))).filter((f) => /from 'node:fs\/promises'/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
