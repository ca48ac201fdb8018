import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { putImage } from '../../images/store.js';
import { layout } from '../../lib/home.js';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/** `unik images`, `inspect` and `rmi` over a store holding hand-damaged records next to a good one. */
describe('unik images / inspect / rmi with damaged records', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const l = layout(home);
  const victim = join(home, 'victim');

  beforeAll(async () => {
    await putImage(l, join(tmpTree({ k: 'kernel' }), 'k'), {}, {
      id: 'aaaa00000001', name: 'good', target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [], buildSeconds: 1,
      sources: [], frameworkVersion: null, createdAt: new Date().toISOString(), appDir: '/app', cacheKey: 'k',
      run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: [], memoryMiB: 8, ready: null }, bootSettings: {},
    });
    const plant = (dir: string, text: string) => {
      mkdirSync(join(l.images, dir), { recursive: true });
      writeFileSync(join(l.images, dir, 'record.json'), text);
    };
    plant('deadbeef0000', '{"id":"deadbeef0000"}');
    plant('deadbeef0001', 'null');
    // A record that claims to live outside the store, and a directory there that rmi must never touch.
    plant('deadbeef0002', JSON.stringify({ ...JSON.parse(readFileSync(join(l.images, 'aaaa00000001', 'record.json'), 'utf8')), id: '../victim', name: 'victim' }));
    mkdirSync(victim);
    writeFileSync(join(victim, 'precious'), 'keep me');
  });

  it('images lists the good one and warns once per damaged record, naming its file', async () => {
    const res = await unik(['images'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/aaaa00000001\s+good/);
    for (const dir of ['deadbeef0000', 'deadbeef0001', 'deadbeef0002']) {
      expect(res.stderr).toContain(`unik: warning: skipped ${join(l.images, dir, 'record.json')}: `);
    }
    expect(res.stderr).not.toContain('internal error');
    const json = await unik(['images', '--json'], env);
    expect(JSON.parse(json.stdout).map((i: { id: string }) => i.id)).toEqual(['aaaa00000001']);
  });

  it('inspect of a damaged record is one clear line, exit 1', async () => {
    const res = await unik(['inspect', 'deadbeef0001'], env);
    expect(res.exitCode).toBe(1);
    expect(res.stderr.trim()).toBe(`unik: image deadbeef0001 is unusable: ${join(l.images, 'deadbeef0001', 'record.json')}: it holds null, not an image record ("unik rmi deadbeef0001" removes it)`);
  });

  it('rmi never deletes outside the store, and removes a damaged record by its id', async () => {
    expect((await unik(['rmi', 'victim'], env)).exitCode).toBe(2);
    expect(readFileSync(join(victim, 'precious'), 'utf8')).toBe('keep me');
    expect((await unik(['rmi', 'deadbeef0000'], env)).exitCode).toBe(0);
    expect(existsSync(join(l.images, 'deadbeef0000'))).toBe(false);
    expect(existsSync(join(l.images, 'aaaa00000001'))).toBe(true);
  });
});
