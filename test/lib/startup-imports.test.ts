import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

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

/** The built CLI run with a preload that writes the builtins Node loaded, at exit. */
function builtinsLoadedBy(args: string[]): string[] {
  const dir = tmpTree();
  const spy = join(dir, 'spy.cjs');
  const out = join(dir, 'loaded');
  writeFileSync(spy, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, process.moduleLoadList.join('\\n')));`);
  const r = spawnSync(process.execPath, ['--require', spy, CLI, ...args], { encoding: 'utf8', env: { ...process.env, XDG_CACHE_HOME: tmpTree() } });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(out, 'utf8').split('\n');
}

describe('start-up imports of the built CLI', () => {
  it('--version and --help load neither child_process (commander asks for it) nor crypto', () => {
    for (const args of [['--version'], ['--help']]) {
      const loaded = builtinsLoadedBy(args);
      expect(loaded, args[0]).toContain('NativeModule fs');
      expect(loaded.filter((m) => /^NativeModule (child_process|crypto)$/.test(m)), args[0]).toEqual([]);
    }
  });
});
