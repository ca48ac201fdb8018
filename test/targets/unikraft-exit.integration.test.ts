import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const unikraft = productSource('unikraft', 'Unikraft exit-status integration tests');

/**
 * The app's status reaches the host through patch 0002 on both machines unik boots Unikraft on: microvm
 * (console only) and pc (any virtio device; a 9p share here). 255 must not read as a clean halt.
 */
describe.skipIf(!unikraft)("a Unikraft app's exit status is unik run's (integration)", () => {
  const env = { UNIK_HOME: tmpTree() };
  const apps = tmpTree();
  const microvm = join(apps, 'exit-unikraft');
  const pc = join(apps, 'exit-unikraft-pc');

  beforeAll(async () => {
    expect((await unik(['sources', 'add', 'unikraft', unikraft!], env)).exitCode).toBe(0);
    cpSync(join(ROOT, 'test', 'fixtures', 'exit-unikraft'), microvm, { recursive: true });
    cpSync(microvm, pc, { recursive: true });
    mkdirSync(join(pc, 'www'));
    writeFileSync(join(pc, 'unik.yaml'), 'name: exit-unikraft-pc\ntarget: unikraft\nsources: [main.c]\nmemory: 32M\ndevices:\n  share:\n    - { source: www, dest: /www }\n');
  }, BUILD_TIMEOUT);

  const run = async (app: string, args: string[]) => {
    const res = await unik(['run', app, '--json', '--', ...args], env);
    return { exitCode: res.exitCode, stderr: res.stderr, json: res.stdout ? JSON.parse(res.stdout) : null };
  };

  it.each([
    ['microvm', microvm],
    ['pc', pc],
  ])('%s: main() returning 0, 1, 3, 255 and exit() five calls down', async (machine, app) => {
    for (const n of [0, 1, 3, 255]) {
      const res = await run(app, [String(n)]);
      expect(res.exitCode, res.stderr).toBe(n);
      expect(res.json).toMatchObject({ exitCode: n, machine });
      expect(res.stderr).toContain(`main returns ${n}`);
    }
    for (const n of [0, 7, 255]) {
      const res = await run(app, ['exit', String(n)]);
      expect(res.exitCode, res.stderr).toBe(n);
      expect(res.stderr).toContain(`exit(${n}) from deep in the app`);
      expect(res.stderr).not.toContain('not reached');
    }
    // No arguments: main returns 0 without a word, a clean halt.
    expect((await run(app, [])).exitCode).toBe(0);
  }, BUILD_TIMEOUT);
});
