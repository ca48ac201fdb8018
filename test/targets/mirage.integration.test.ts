import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS build/boot integration tests', ['spt', 'virtio'], () => tmpTree());

interface Image { id: string; path: string; platform: string; sizeBytes: number; drivers: string[]; files: Record<string, string>; frameworkVersion: string; cached: boolean; sha256: string; libraries: string[] }

describe.skipIf(!home)('unik build/run examples/hello-mirage (integration, real MirageOS on Solo5)', () => {
  const env = { UNIK_HOME: home! };
  const app = join(tmpTree(), 'hello-mirage');
  const images: Record<string, Image> = {};
  const build = async (platform: string) => {
    const res = await unik(['build', app, '--platform', platform, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return JSON.parse(res.stdout).image as Image;
  };
  const run = async (platform: string) => {
    const res = await unik(['run', app, '--platform', platform, '--json'], env);
    return { ...res, result: JSON.parse(res.stdout) as { exitCode: number; how: string; machine: string; exitMs: number } };
  };

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'hello-mirage'), app, { recursive: true });
    images.spt = await build('spt');
    images.virtio = await build('virtio');
  }, BUILD_TIMEOUT);

  it('stores stripped Solo5 images with the Solo5 devices, the tender (spt) and the mirage version', () => {
    for (const p of ['spt', 'virtio'] as const) {
      const img = images[p]!;
      expect(img).toMatchObject({ platform: p, drivers: ['console'], frameworkVersion: '4.10.0', cached: false });
      expect(readFileSync(img.path).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
      // Unstripped they are ~4 MB; stripping saves 35-50 %.
      expect(img.sizeBytes).toBeLessThan(3_000_000);
      expect(img.libraries).toContain('mirage-solo5');
    }
    expect(images.spt!.files.tender).toMatch(/solo5-spt$/);
    expect(existsSync(images.spt!.files.tender!)).toBe(true);
    expect(images.virtio!.files).toEqual({});
  });

  it('leaves the app directory as it was: mirage configure ran in unik\'s build dir', () => {
    expect(readdirSync(app).sort()).toEqual(['unik.yaml', 'unikernel.ml']);
  });

  it('reuses the stored image without running the toolchain when nothing changed', async () => {
    const logs = readdirSync(join(home!, 'logs')).length;
    const again = await build('spt');
    expect(again).toMatchObject({ id: images.spt!.id, cached: true, sha256: images.spt!.sha256 });
    expect(readdirSync(join(home!, 'logs')).length).toBe(logs);
  });

  it('boots on spt through solo5-spt (no VMM) and exits 0 after the app\'s output', async () => {
    const r = await run('spt');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Hello from MirageOS');
    expect(r.result).toMatchObject({ exitCode: 0, how: 'exited', machine: 'spt' });
  });

  it('boots on virtio under QEMU and reads the real status from the Solo5 console line', async () => {
    const r = await run('virtio');
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toContain('Hello from MirageOS');
    expect(r.stderr).toContain('Solo5: solo5_exit(0) called');
    // Booted with --solo5:quiet: no banner or memory map (~650 port writes under TCG), the exit line kept.
    expect(r.stderr).not.toContain('Solo5: Bindings version');
    expect(r.result).toMatchObject({ exitCode: 0, how: 'exited', machine: 'microvm' });
  });

  it('rebuilds incrementally after a change, and a non-zero exit status survives both platforms', async () => {
    writeFileSync(join(app, 'unikernel.ml'), 'let start () = Printf.printf "bye\\n%!"; exit 3\n');
    for (const p of ['spt', 'virtio']) {
      const img = await build(p);
      expect(img.cached).toBe(false);
      const r = await run(p);
      expect(r.stderr).toContain('bye');
      expect(r.result.exitCode).toBe(3);
      expect(r.exitCode).toBe(3);
    }
  }, BUILD_TIMEOUT);
});
