import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { httpGet } from '../helpers/http.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS network integration test', ['virtio'], () => tmpTree(), { net: true });

describe.skipIf(!home)('examples/http-mirage on virtio with QEMU user networking (integration)', () => {
  it('builds with the Solo5 NIC "service", serves HTTP on a published loopback port, and stops cleanly', async () => {
    const env = { UNIK_HOME: home! };
    const app = join(tmpTree(), 'http-mirage');
    cpSync(join(ROOT, 'examples', 'http-mirage'), app, { recursive: true });
    const build = await unik(['build', app, '--json'], env);
    expect(build.exitCode, build.stderr).toBe(0);
    // No platform flag: the manifest says virtio, and a NIC would pick it anyway.
    expect(JSON.parse(build.stdout).image).toMatchObject({ platform: 'virtio', drivers: ['console', 'NET_BASIC:service'] });
    // A port of its own: the Unikraft suites publish 18080-18082 and may run alongside.
    const start = await unik(['run', 'http-mirage', '-p', '18090:8080', '--detach', '--name', 'mweb', '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout).readyMs).toBeGreaterThan(0);
    try {
      expect(await httpGet(18090)).toEqual({ status: 200, body: 'Hello from MirageOS over HTTP\n' });
    } finally {
      expect((await unik(['stop', 'mweb'], env)).exitCode).toBe(0);
      expect((await unik(['rm', 'mweb'], env)).exitCode).toBe(0);
    }
  }, BUILD_TIMEOUT);
});
