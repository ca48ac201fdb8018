import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { httpGet } from '../helpers/http.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const suite = 'Unikraft run integration tests';
const sources = { unikraft: productSource('unikraft', suite), 'lib-lwip': productSource('lib-lwip', suite), 'fork-lwip': productSource('fork-lwip', suite) };
const ready = Object.values(sources).every(Boolean);

/** Another program holding a port on 127.0.0.1. */
const listenOn = (port: number) => new Promise<Server>((resolve, reject) => {
  const s = createServer().once('error', reject);
  s.listen(port, '127.0.0.1', () => resolve(s));
});

describe.skipIf(!ready)('unik run on real Unikraft images (integration)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const apps = tmpTree();

  beforeAll(async () => {
    for (const [name, path] of Object.entries(sources)) {
      const r = await unik(['sources', 'add', name, path!], env);
      expect(r.exitCode, r.stderr).toBe(0);
    }
    for (const ex of ['hello-unikraft', 'http-unikraft', 'share-unikraft']) cpSync(join(ROOT, 'examples', ex), join(apps, ex), { recursive: true });
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    for (const pid of await pidsMatching(home)) process.kill(pid, 'SIGKILL');
  });

  it('hello: builds, prints its greeting and exits 0 with measurements', async () => {
    const res = await unik(['run', join(apps, 'hello-unikraft'), '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toContain('Hello, world! (from a unik-built unikernel)');
    expect(res.stderr).toMatch(/first output in \d+ ms · ready in \d+ ms · exited in \d+ ms \(code 0, (tcg|kvm); halted\)/);
    const j = JSON.parse(res.stdout);
    expect(j).toMatchObject({ exitCode: 0, machine: 'microvm', image: { name: 'hello-unikraft' } });
    for (const k of ['accel', 'machine', 'bootMs', 'readyMs', 'exitMs', 'exitCode', 'image']) expect(j).toHaveProperty(k);
    expect(j.bootMs).toBeGreaterThan(0);
    expect(j.exitMs).toBeGreaterThanOrEqual(j.bootMs);
  }, BUILD_TIMEOUT);

  it('hello run -d: a guest that exits 0 before unik looks started fine (exit 0), and shows exited (0)', async () => {
    // hello halts ~0.2 s after its start: `run -d` used to see the exit first and call it a failed start.
    for (const i of [1, 2, 3, 4]) {
      const res = await unik(['run', 'hello-unikraft', '--detach', '--name', `hello${i}`, '--json'], env);
      expect(res.exitCode, res.stderr).toBe(0);
      const exited = async () => JSON.parse((await unik(['ps', '-a', '--json'], env)).stdout).some((p: { name: string; state: string; exitCode: number }) => p.name === `hello${i}` && p.state === 'exited' && p.exitCode === 0);
      expect(await waitFor(exited, 10_000)).toBe(true);
    }
    expect((await unik(['ps', '-a'], env)).stdout).toMatch(/hello4\s+hello-unikraft\s+exited \(0\)/);
  }, BUILD_TIMEOUT);

  it('hello: asking for a device it was not built with is a clear error', async () => {
    const res = await unik(['run', 'hello-unikraft', '-p', '8080:80'], env);
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toContain('-p: expected an image built with a network device');
  });

  it('http: one NIC serves every published port; detach, ps, stop, rm', async () => {
    const build = await unik(['build', join(apps, 'http-unikraft'), '--json'], env);
    expect(build.exitCode, build.stderr).toBe(0);
    expect(JSON.parse(build.stdout).image.drivers).toEqual(expect.arrayContaining(['LIBUKNETDEV', 'LIBVIRTIO_NET', 'LIBLWIP']));
    const start = await unik(['run', 'http-unikraft', '-p', '18080:80', '-p', '18081:80', '--detach', '--name', 'web', '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(JSON.parse(start.stdout).readyMs).toBeGreaterThan(0);
    try {
      for (const port of [18080, 18081]) {
        const r = await httpGet(port);
        expect(r.status).toBe(200);
        expect(r.body).toBe('Hello from a unikernel\n');
      }
      const [ps] = JSON.parse((await unik(['ps', '--json'], env)).stdout);
      expect(ps.ports.map((p: { host: number }) => p.host)).toEqual([18080, 18081]);
    } finally {
      expect((await unik(['stop', 'web'], env)).exitCode).toBe(0);
      expect((await unik(['rm', 'web'], env)).exitCode).toBe(0);
    }
  }, BUILD_TIMEOUT);

  it('http: --ready-http measures the time to the first 200', async () => {
    const res = await unik(['run', 'http-unikraft', '-p', '18082:80', '--ready-http', 'http://127.0.0.1:18082/', '--stop-when-ready', '--timeout', '30s', '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j.readyMs).toBeGreaterThan(j.bootMs);
    expect(j.how).toBe('stopped once ready');
  }, 60_000);

  it('http: a published port already in use on 127.0.0.1 is refused before anything starts, detached or not', async () => {
    const taken = await listenOn(18083);
    try {
      for (const detach of [['--detach', '--name', 'taken'], []]) {
        const res = await unik(['run', 'http-unikraft', '-p', '18083:80', ...detach, '--timeout', '30s'], env);
        expect(res.exitCode, res.stderr).toBe(1);
        expect(res.stderr).toContain('port 18083 is already in use on 127.0.0.1');
      }
      expect((await unik(['ps', '-a', '--json'], env)).stdout).not.toContain('"taken"');
    } finally {
      taken.close();
    }
  }, BUILD_TIMEOUT);

  it('http -d: a guest that dies while starting fails the run with QEMU\'s reason, which unik logs shows', async () => {
    // The port is taken after unik's check, before QEMU binds it: the race the check cannot close.
    const started = unik(['run', 'http-unikraft', '-p', '18084:80', '--detach', '--name', 'clash'], env);
    const recorded = () => readdirSync(join(home, 'instances')).some((id) => {
      const file = join(home, 'instances', id, 'instance.json');
      return existsSync(file) && readFileSync(file, 'utf8').includes('"clash"');
    });
    expect(await waitFor(() => existsSync(join(home, 'instances')) && recorded(), 60_000)).toBe(true);
    const taken = await listenOn(18084);
    try {
      const res = await started;
      expect(res.exitCode, res.stderr).toBe(1);
      expect(res.stderr).toMatch(/clash failed to start: .*Could not set up host forwarding rule/);
      expect(res.stdout).not.toContain('clash');
      const logs = await unik(['logs', 'clash'], env);
      expect(logs.stdout).toContain('Could not set up host forwarding rule');
    } finally {
      taken.close();
      await unik(['rm', '-f', 'clash'], env);
    }
  }, BUILD_TIMEOUT);

  it('share: the guest reads a file from a host directory given with -v', async () => {
    const dir = join(tmpTree(), 'hostdir');
    mkdirSync(dir);
    writeFileSync(join(dir, 'greeting.txt'), 'written by the test on the host\n');
    const res = await unik(['run', join(apps, 'share-unikraft'), '-v', `${dir}:/www`, '--timeout', '30s'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('written by the test on the host');
  }, BUILD_TIMEOUT);
});
