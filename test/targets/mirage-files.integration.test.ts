import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS files integration test', ['virtio'], () => tmpTree(), { kv: true });

describe.skipIf(!home)('examples/files-mirage: files as a crunch key-value store (integration, real MirageOS under QEMU virtio)', () => {
  const env = { UNIK_HOME: home! };
  const app = join(tmpTree(), 'files-mirage');
  let image: { id: string; drivers: string[]; contents: { guest: string; role: string }[] };

  const build = async () => {
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return { image: JSON.parse(res.stdout).image as typeof image, progress: res.stderr };
  };
  const run = () => unik(['run', app, '--timeout', '60s'], env);

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'files-mirage'), app, { recursive: true });
    image = (await build()).image;
  }, BUILD_TIMEOUT);

  it('compiles the store in (crunch) and lists every file in the record', () => {
    expect(image.drivers).toEqual(['console', 'kv_ro:Static_unik_files']);
    expect(image.contents.map((c) => [c.guest, c.role])).toEqual([['/etc/motd', 'file'], ['/www/index.html', 'file']]);
  });

  it('boots and reads the files from the store by their guest paths', async () => {
    const res = await run();
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('/www holds 1 entries');
    expect(res.stdout).toContain('/etc/motd: Hello from a file in the MirageOS store.');
    expect(res.stdout).toContain('/www/index.html: <p>served from the store</p>');
  }, 120_000);

  it('a changed file is a new image with the new content, rebuilt by dune alone (no new duniverse)', async () => {
    writeFileSync(join(app, 'motd.txt'), 'Changed.\n');
    const again = await build();
    expect(again.image.id).not.toBe(image.id);
    expect(again.progress).not.toContain('duniverse');
    const res = await run();
    expect(res.stdout).toContain('/etc/motd: Changed.');
  }, BUILD_TIMEOUT);
});
