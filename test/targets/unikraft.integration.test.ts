import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';
import { expectCompileErrorStoresNothing } from '../helpers/compile-error.js';

const unikraftSrc = productSource('unikraft', 'Unikraft build integration tests');

describe.skipIf(!unikraftSrc)('unik build examples/hello-unikraft (integration, real Unikraft build)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const app = join(tmpTree(), 'hello');
  let first: { image: Record<string, unknown> & { drivers: string[]; sizeBytes: number; path: string; id: string; cached: boolean } };

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'hello-unikraft'), app, { recursive: true });
    const add = await unik(['sources', 'add', 'unikraft', unikraftSrc!, '--json'], env);
    expect(add.exitCode, add.stderr).toBe(0);
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    first = JSON.parse(res.stdout);
  }, BUILD_TIMEOUT);

  it('stores a real kernel with the record fields of the CLI contract', () => {
    const img = first.image;
    for (const k of ['id', 'name', 'target', 'platform', 'path', 'sizeBytes', 'sha256', 'drivers', 'buildSeconds', 'cached']) {
      expect(img).toHaveProperty(k);
    }
    expect(img).toMatchObject({ name: 'hello-unikraft', target: 'unikraft', platform: 'qemu/x86_64', cached: false });
    expect(img.sources).toEqual([expect.objectContaining({ name: 'unikraft', ref: 'RELEASE-0.16.3', commit: expect.stringMatching(/^[0-9a-f]{40}$/) })]);
    // A multiboot ELF: what QEMU's -kernel loads.
    expect(readFileSync(img.path).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  });

  it('compiles in only console drivers: the final .config has no netdev, virtio-net, blkdev, 9pfs or ukrandom', () => {
    const builds = join(home, 'builds');
    const config = readFileSync(join(builds, readdirSync(builds)[0]!, 'config'), 'utf8');
    expect(config).toMatch(/^CONFIG_PLAT_KVM=y$/m);
    for (const sym of ['LIBUKNETDEV', 'LIBVIRTIO_NET', 'LIBUKBLKDEV', 'LIBVIRTIO_BLK', 'LIB9PFS', 'LIBUK9P', 'LIBUKRANDOM', 'LIBUKSWRAND', 'KVM_KERNEL_VGA_CONSOLE']) {
      expect(config).not.toMatch(new RegExp(`^CONFIG_${sym}=y$`, 'm'));
    }
    expect(first.image.drivers).toEqual(['KVM_DEBUG_SERIAL_CONSOLE', 'KVM_KERNEL_SERIAL_CONSOLE']);
  });

  it('is at most 200 KB', () => {
    expect(first.image.sizeBytes).toBeGreaterThan(50_000);
    expect(first.image.sizeBytes).toBeLessThanOrEqual(200_000);
  });

  it('reuses the stored image without running make when nothing changed', async () => {
    const logsBefore = readdirSync(join(home, 'logs')).length;
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const again = JSON.parse(res.stdout).image;
    expect(again).toMatchObject({ id: first.image.id, cached: true, sha256: first.image.sha256 });
    expect(readdirSync(join(home, 'logs')).length).toBe(logsBefore);
  });

  it('rebuilds only the app library after a C file changes', async () => {
    writeFileSync(join(app, 'main.c'), readFileSync(join(app, 'main.c'), 'utf8').replace('Hello, %s!', 'Hi again, %s!'));
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const img = JSON.parse(res.stdout).image;
    expect(img.cached).toBe(false);
    expect(img.id).not.toBe(first.image.id);
    expect(readFileSync(img.path).includes('Hi again')).toBe(true);
    const logs = readdirSync(join(home, 'logs')).sort();
    const log = readFileSync(join(home, 'logs', logs.at(-1)!), 'utf8');
    expect(log).toMatch(/CC\s+apphello_unikraft: main\.o/);
    expect(log.match(/^\s+CC\s/gm)).toHaveLength(1);
    expect(log).not.toMatch(/CC\s+libukalloc/);
    expect(existsSync(first.image.path)).toBe(false);
  }, BUILD_TIMEOUT);

  it('a compile error exits 1 with the log tail and path, and stores nothing', async () => {
    await expectCompileErrorStoresNothing(app, home, 'compile and link (make)');
  }, BUILD_TIMEOUT);
});
