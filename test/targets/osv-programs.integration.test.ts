import { execa } from 'execa';
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { httpGet } from '../helpers/http.js';
import { pidsMatching } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { osvHome, productSource } from '../helpers/toolchain.js';

/**
 * Existing Debian programs as OSv unikernels (examples/*-osv with `program:`), built and booted under TCG. The
 * kernels come from the product's cache (one per driver set: console, network), so each build here is the
 * program's collection and a rofs pack: seconds.
 */
const osvSrc = productSource('osv', 'OSv program integration tests');
const missing = ['/usr/bin/lua5.4', '/usr/sbin/nginx', '/usr/bin/python3', '/usr/bin/node', '/usr/bin/redis-server', '/usr/bin/redis-cli'].filter((p) => !existsSync(p));
if (missing.length) console.warn(`\n*** SKIPPING OSv program integration tests: ${missing.join(', ')} missing (scripts/setup.sh installs them) ***\n`);

type Content = { guest: string; host: string; sha256: string; role: string; package: string | null; soname?: string };
type Image = { id: string; libraries: string[]; contents: Content[]; drivers: string[]; run: { env?: Record<string, string> } };

describe.skipIf(!osvSrc || missing.length > 0)('existing Linux programs on OSv (integration, real OSv, TCG)', () => {
  let env: { UNIK_HOME: string };
  const apps = tmpTree();
  const app = (name: string) => join(apps, name);
  const build = async (name: string): Promise<Image> => {
    const res = await unik(['build', app(name), '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return JSON.parse(res.stdout).image;
  };
  /** Runs detached until ready, hands the instance to `check`, and always stops and removes it. */
  const detached = async (name: string, extra: string[], check: () => Promise<void>) => {
    const start = await unik(['run', app(name), '-d', '--name', name, '--accel', 'tcg', ...extra, '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    try {
      await check();
    } finally {
      await unik(['stop', name], env);
      await unik(['rm', name], env);
    }
  };

  beforeAll(async () => {
    env = { UNIK_HOME: await osvHome(tmpTree()) };
    for (const n of ['lua-osv', 'nginx-osv', 'python-osv', 'node-osv', 'redis-osv']) cpSync(join(ROOT, 'examples', n), app(n), { recursive: true });
  });

  afterAll(async () => {
    for (const pid of await pidsMatching(env.UNIK_HOME)) process.kill(pid, 'SIGKILL');
  });

  it('lua5.4: collects the interpreter and libreadline/libtinfo (libc, libm from the kernel), runs the script from files with env', async () => {
    const image = await build('lua-osv');
    expect(image.libraries).toEqual(['libreadline.so.8', 'libtinfo.so.6']);
    expect(image.contents.find((c) => c.role === 'program')).toMatchObject({ guest: '/lua-osv', host: '/usr/bin/lua5.4', package: 'lua5.4', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(image.contents.find((c) => c.soname === 'libreadline.so.8')).toMatchObject({ guest: '/usr/lib/libreadline.so.8', package: 'libreadline8:amd64' });
    expect(image.contents.find((c) => c.guest === '/app/hello.lua')).toMatchObject({ role: 'file', package: null });
    expect(image.drivers).not.toContain('virtio_net');
    const res = await unik(['run', app('lua-osv'), '--accel', 'tcg', '--timeout', '60s'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('Hello from Lua on OSv, Lua 5.4: 2^10 = 1024.0');
  }, BUILD_TIMEOUT);

  it('a changed file rebuilds the image; the same contents reuse it', async () => {
    const before = await build('lua-osv');
    expect((await build('lua-osv')).id).toBe(before.id);
    writeFileSync(join(app('lua-osv'), 'hello.lua'), 'print("changed")\n');
    const after = await build('lua-osv');
    expect(after.id).not.toBe(before.id);
    const res = await unik(['run', app('lua-osv'), '--accel', 'tcg', '--timeout', '60s'], env);
    expect(res.stdout).toContain('changed');
  }, BUILD_TIMEOUT);

  it('nginx: serves 200 on the published port with its configuration from files', async () => {
    const image = await build('nginx-osv');
    expect(image.libraries).toEqual(['libpcre2-8.so.0', 'libssl.so.3', 'libcrypto.so.3', 'libz.so.1']);
    expect(image.contents.find((c) => c.guest === '/etc/nginx/mime.types')).toMatchObject({ package: 'nginx-common' });
    expect(image.drivers).toContain('virtio_net');
    await detached('nginx-osv', ['--ready-http', 'http://127.0.0.1:8280/'], async () => {
      const res = await httpGet(8280);
      expect(res.status).toBe(200);
      expect(res.body).toContain('Served by Debian');
    });
  }, BUILD_TIMEOUT);

  it('python3: runs a script from files with the standard library from the host', async () => {
    await build('python-osv');
    const res = await unik(['run', app('python-osv'), '--accel', 'tcg', '--timeout', '120s'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/Hello from Python 3\.11\.\d+ on Linux/);
  }, BUILD_TIMEOUT);

  it('python3 -m http.server answers 200', async () => {
    const start = await unik(['run', app('python-osv'), '-d', '--name', 'pyhttp', '--accel', 'tcg', '--ready-http', 'http://127.0.0.1:8380/', '--json', '--', '-m', 'http.server', '8000'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    try {
      expect((await httpGet(8380)).status).toBe(200);
    } finally {
      await unik(['stop', 'pyhttp'], env);
      await unik(['rm', 'pyhttp'], env);
    }
  }, BUILD_TIMEOUT);

  it('node: collects libgcc_s (libstdc++ is the kernel\'s) and its HTTP server answers 200', async () => {
    const image = await build('node-osv');
    expect(image.libraries).toEqual(['libgcc_s.so.1']);
    expect(image.contents.find((c) => c.role === 'program')).toMatchObject({ host: '/usr/bin/node' });
    await detached('node-osv', ['--ready-http', 'http://127.0.0.1:8480/'], async () => {
      const res = await httpGet(8480);
      expect(res.status).toBe(200);
      expect(res.body).toMatch(/^Hello from node v\d+\.\d+\.\d+ on OSv/);
    });
  }, BUILD_TIMEOUT);

  it('redis-server: PING, SET and GET through redis-cli', async () => {
    await build('redis-osv');
    await detached('redis-osv', [], async () => {
      const cli = (...args: string[]) => execa('redis-cli', ['-h', '127.0.0.1', '-p', '8579', ...args], { reject: false, timeout: 20_000 });
      expect((await cli('PING')).stdout).toBe('PONG');
      expect((await cli('SET', 'unik', 'osv')).stdout).toBe('OK');
      expect((await cli('GET', 'unik')).stdout).toBe('osv');
    });
  }, BUILD_TIMEOUT);
});
