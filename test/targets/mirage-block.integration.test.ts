import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS block integration test', ['spt', 'virtio'], () => tmpTree(), { block: true });

describe.skipIf(!home)('examples/disk-mirage: one declared disk, the same Solo5 name at build and run (integration)', () => {
  it('reads the disk on spt (--block:storage=) and on virtio (virtio-blk), and --disk re-points it', async () => {
    const env = { UNIK_HOME: home! };
    const app = join(tmpTree(), 'disk-mirage');
    cpSync(join(ROOT, 'examples', 'disk-mirage'), app, { recursive: true });
    const other = join(tmpTree(), 'other.img');
    writeFileSync(other, Buffer.concat([Buffer.from('Another disk\n'), Buffer.alloc(4096 - 13)]));
    for (const platform of ['spt', 'virtio']) {
      const build = await unik(['build', app, '--platform', platform, '--json'], env);
      expect(build.exitCode, build.stderr).toBe(0);
      expect(JSON.parse(build.stdout).image.drivers).toEqual(['console', 'BLOCK_BASIC:storage']);
      const run = await unik(['run', app, '--platform', platform, '--timeout', '30s'], env);
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.stdout).toContain('disk says: Hello from a MirageOS block device');
      const again = await unik(['run', 'disk-mirage', '--platform', platform, '--disk', other, '--timeout', '30s'], env);
      expect(again.stdout).toContain('disk says: Another disk');
    }
  }, BUILD_TIMEOUT);
});
