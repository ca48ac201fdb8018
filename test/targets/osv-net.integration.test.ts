import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { httpGet } from '../helpers/http.js';
import { pidsMatching } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { productSource, osvHome } from '../helpers/toolchain.js';

const osvSrc = productSource('osv', 'OSv network integration test');

describe.skipIf(!osvSrc)('examples/http-osv: OSv on QEMU user networking (integration)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const app = join(tmpTree(), 'http-osv');
  let image: { drivers: string[]; sizeBytes: number; files: Record<string, string> };

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'http-osv'), app, { recursive: true });
    await osvHome(home);
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    image = JSON.parse(res.stdout).image;
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    for (const pid of await pidsMatching(home)) process.kill(pid, 'SIGKILL');
  });

  it('has exactly virtio-net and the network stack on top of what a rofs console app needs, read back from the generated headers', () => {
    expect(image.drivers).toEqual(['acpi', 'hpet', 'pci', 'pvpanic', 'scsi', 'virtio', 'virtio_blk', 'virtio_net', 'networking_stack']);
  });

  it('runs detached, ready by its regex, answers on both published ports on 127.0.0.1, and stops', async () => {
    const start = await unik(['run', app, '-d', '--name', 'osvweb', '--accel', 'tcg', '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout).readyMs).toBeGreaterThan(0);
    try {
      // The manifest publishes 8180 → 80 and 8181 → 8080 on one NIC.
      expect(await httpGet(8180)).toEqual({ status: 200, body: 'Hello from OSv on port 80\n' });
      expect(await httpGet(8181)).toEqual({ status: 200, body: 'Hello from OSv on port 8080\n' });
    } finally {
      expect((await unik(['stop', 'osvweb'], env)).exitCode).toBe(0);
      expect((await unik(['rm', 'osvweb'], env)).exitCode).toBe(0);
    }
  }, 120_000);

  it('-p re-points the ports; --ready-http marks ready at the first 200; --stop-when-ready ends the run', async () => {
    const res = await unik(['run', app, '-p', '18130:8080', '--ready-http', 'http://127.0.0.1:18130/', '--stop-when-ready', '--accel', 'tcg', '--timeout', '60s', '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const r = JSON.parse(res.stdout);
    expect(r).toMatchObject({ machine: 'pc' });
    expect(r.readyMs).toBeGreaterThan(r.kernelBootedMs);
  }, 120_000);

  it('a console-only OSv app still gets no network driver (the kernel is keyed by its drivers)', async () => {
    const hello = join(tmpTree(), 'hello-osv');
    cpSync(join(ROOT, 'examples', 'hello-osv'), hello, { recursive: true });
    const res = await unik(['build', hello, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(JSON.parse(res.stdout).image.drivers).not.toContain('virtio_net');
    expect(JSON.parse(res.stdout).image.drivers).not.toContain('networking_stack');
  }, BUILD_TIMEOUT);
});
