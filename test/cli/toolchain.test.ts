import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

describe('unik toolchain', () => {
  it('knows only mirage: anything else is a usage error (exit 2)', async () => {
    const res = await unik(['toolchain', 'install', 'xen'], { UNIK_HOME: tmpTree() });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toBe('unik: toolchain: expected mirage, found "xen"');
  });

  it('with no sources it builds nothing: one line naming what to add, exit 1, nothing written', async () => {
    const home = tmpTree();
    const res = await unik(['toolchain', 'install', 'mirage', '--json'], { UNIK_HOME: home });
    expect(res.exitCode).toBe(1);
    // On a host without the Debian packages the apt-get line comes first; with them, the sources.
    expect(res.stderr.split('\n')[0]).toMatch(/^unik: (missing Debian packages for the MirageOS toolchain: run apt-get install --no-install-recommends |the MirageOS toolchain needs 44 source\(s\) missing from or re-pinned in )/);
    expect(JSON.parse(res.stdout).error.exitCode).toBe(1);
    expect(existsSync(join(home, 'toolchains'))).toBe(false);
  });

  it('list and remove answer for a home without a toolchain', async () => {
    const env = { UNIK_HOME: tmpTree() };
    expect(JSON.parse((await unik(['toolchain', 'list', '--json'], env)).stdout)).toEqual([
      expect.objectContaining({ name: 'mirage', state: 'not installed', id: null }),
    ]);
    expect(JSON.parse((await unik(['toolchain', 'remove', 'mirage', '--json'], env)).stdout)).toEqual({ toolchain: 'mirage', removed: false, left: [] });
  });
});
