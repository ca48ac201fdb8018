import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ROOT, unik } from '../helpers/cli.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { smallTmpfs } from '../helpers/tmpfs.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { productSource } from '../helpers/toolchain.js';

/**
 * What a killed, interrupted, doubled or tampered-with build must never do, on real Unikraft builds of
 * examples/hello-unikraft (and with devices.net, lwIP). One temp UNIK_HOME; the tests run in order.
 */
const sources = {
  unikraft: productSource('unikraft', 'build hardening integration tests'),
  'lib-lwip': productSource('lib-lwip', 'build hardening integration tests (lwIP)'),
  'fork-lwip': productSource('fork-lwip', 'build hardening integration tests (lwIP)'),
};

type Image = { id: string; name: string; path: string; sizeBytes: number; sha256: string; cached: boolean; drivers: string[]; appDir: string; run: { cmdline: string[] } };
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const NO_STACK = /Unhandled|internal error|\n\s+at /;

describe.skipIf(Object.values(sources).some((s) => !s))('build hardening (integration, real Unikraft builds)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const app = join(tmpTree(), 'hello');
  let first: Image;
  const build = async (...args: string[]) => {
    const res = await unik(['build', ...args, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return { image: JSON.parse(res.stdout).image as Image, stderr: res.stderr };
  };
  /** Processes working for this home's builds: make, gcc, ld, the archive server (their arguments name it). */
  const toolchain = () => pidsMatching(join(home, 'builds'));
  const compilers = () => pidsMatching(`^\\S*(gcc|cc1) .*${join(home, 'builds')}`);
  const edit = (text: string) => writeFileSync(join(app, 'main.c'), readFileSync(join(ROOT, 'examples', 'hello-unikraft', 'main.c'), 'utf8').replace('Hello, %s!', text));

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'hello-unikraft'), app, { recursive: true });
    for (const [name, path] of Object.entries(sources)) {
      const add = await unik(['sources', 'add', name, path!], env);
      expect(add.exitCode, add.stderr).toBe(0);
    }
    first = (await build(app)).image;
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    for (const pid of await toolchain()) process.kill(pid, 'SIGKILL');
  });

  it.each(['SIGKILL', 'SIGTERM'] as const)('a build killed with %s leaves no make/gcc behind, and the next build repairs the build dir', async (sig) => {
    // A build that really compiles: without unik, make would go on starting compilers for seconds.
    for (const d of readdirSync(join(home, 'builds'))) rmSync(join(home, 'builds', d), { recursive: true, force: true });
    edit(`About to be killed by ${sig}, %s!`);
    const child = execa(process.execPath, [CLI, 'build', app], { env, reject: false, stdin: 'ignore' });
    expect(await waitFor(async () => (await compilers()).length > 0, 600_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 300 + Math.random() * 1500));
    child.kill(sig);
    await child;
    expect(await waitFor(async () => (await toolchain()).length === 0, 1500), `left: ${await toolchain()}`).toBe(true);
    edit(`Killed by ${sig}, %s!`);
    const next = await build(app);
    expect(next.stderr).toContain('the last build of hello-unikraft was interrupted; building it again from a clean directory');
    expect(sha256(next.image.path)).toBe(next.image.sha256);
  }, BUILD_TIMEOUT);

  it('--no-cache starts from a clean build directory (a damaged object file does not survive it)', async () => {
    edit('Damaged, %s!');
    const built = await build(app);
    const workDir = join(home, 'builds', readdirSync(join(home, 'builds')).find((d) => d.startsWith('hello-unikraft-') && !d.endsWith('.lock'))!);
    // A truncated object file, newer than its sources: make takes it as up to date.
    writeFileSync(join(workDir, 'build', 'libukalloc.o'), '');
    edit('Damaged again, %s!');
    expect((await unik(['build', app], env)).exitCode).toBe(1);
    const clean = await build(app, '--no-cache');
    expect(clean.image.id).not.toBe(built.image.id);
    expect(readFileSync(clean.image.path).includes('Damaged again')).toBe(true);
  }, BUILD_TIMEOUT);

  it('two builds of the same app at once: both succeed, and both report exactly what is stored', async () => {
    edit('Twice, %s!');
    const [a, b] = await Promise.all([unik(['build', app, '--json'], env), unik(['build', app, '--json'], env)]);
    expect(a.exitCode, a.stderr).toBe(0);
    expect(b.exitCode, b.stderr).toBe(0);
    const [ia, ib] = [JSON.parse(a.stdout).image as Image, JSON.parse(b.stdout).image as Image];
    expect([ia.cached, ib.cached].sort()).toEqual([false, true]);
    for (const i of [ia, ib]) {
      expect(i.id).toBe(ia.id);
      expect(statSync(i.path).size).toBe(i.sizeBytes);
      expect(sha256(i.path)).toBe(i.sha256);
    }
  }, BUILD_TIMEOUT);

  it('a stored kernel garbled without changing its size is no cache hit: the file is named and the image rebuilt', async () => {
    const stored = (await build(app)).image;
    const bytes = readFileSync(stored.path);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(stored.path, bytes);
    const run = await unik(['run', stored.id, '--dry-run', '--accel', 'tcg'], env);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(`${stored.path} is corrupt`);
    expect(run.stderr).toContain(`rebuild it with "unik build ${stored.appDir}"`);
    const again = await build(app);
    expect(again.stderr).toContain(`stored image hello-unikraft (${stored.id}): ${stored.path} is corrupt`);
    expect(again.image).toMatchObject({ id: stored.id, cached: false });
    expect(sha256(again.image.path)).toBe(again.image.sha256);
  }, BUILD_TIMEOUT);

  it('a cache hit from another directory leaves the stored record (cmdline, appDir) alone, and each runs with its own', async () => {
    const stored = (await build(app)).image;
    const other = join(tmpTree(), 'other');
    cpSync(app, other, { recursive: true });
    writeFileSync(join(other, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8').replace('cmdline: ["world"]', 'cmdline: ["elsewhere"]'));
    const hit = await build(other);
    expect(hit.image).toMatchObject({ id: stored.id, cached: true, appDir: app, run: { cmdline: ['world'] } });
    const inspect = JSON.parse((await unik(['inspect', 'hello-unikraft', '--json'], env)).stdout);
    expect(inspect).toMatchObject({ appDir: app, run: { cmdline: ['world'] } });
    const argv = async (target: string) => (await unik(['run', target, '--dry-run', '--accel', 'tcg'], env)).stdout;
    expect(await argv(other)).toContain('-append elsewhere');
    expect(await argv('hello-unikraft')).toContain('-append world');
    expect(await argv(app)).toContain('-append world');
  }, BUILD_TIMEOUT);

  it('a build log that cannot be written fails in one line naming the log directory and the space needed', async () => {
    const unmount = await smallTmpfs(join(home, 'logs'), '256k', 'build log on a full disk');
    if (!unmount) return;
    try {
      edit('No room, %s!');
      const res = await unik(['build', app], env);
      expect(res.exitCode).toBe(1);
      expect(res.stderr.trim()).toMatch(new RegExp(`^unik: ${join(home, 'logs')}: a build needs 1\\.0 MiB free for its log .*, found [\\d.]+ KiB free there$`));
      expect(res.stderr).not.toMatch(NO_STACK);
      expect(readdirSync(join(home, 'logs'))).toEqual([]);
    } finally {
      await unmount();
    }
  }, 120_000);

  it('one interrupt just after a configuration change does not wedge the app (it used to, even with --no-cache)', async () => {
    edit('Hello, %s!');
    writeFileSync(join(app, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8') + 'devices:\n  net:\n    ports: ["8080:80"]\n');
    const defconfig = join(home, 'builds', readdirSync(join(home, 'builds')).find((d) => d.startsWith('hello-unikraft-') && !d.endsWith('.lock'))!, 'app', 'defconfig');
    const before = statSync(defconfig).mtimeMs;
    const child = execa(process.execPath, [CLI, 'build', app], { env, reject: false, stdin: 'ignore' });
    expect(await waitFor(() => existsSync(defconfig) && statSync(defconfig).mtimeMs !== before, 600_000)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    child.kill('SIGINT');
    await child;
    const next = await build(app);
    expect(next.image.drivers).toContain('LIBVIRTIO_NET');
    expect(next.stderr).toContain('was interrupted');
  }, BUILD_TIMEOUT);

  it('a tampered lwIP archive is the headline error, before make starts, even with a build dir make would not refetch into', async () => {
    const zip = join(home, 'sources', 'archives', 'fork-lwip-UNIKRAFT-2_1_x.zip');
    const original = readFileSync(zip);
    const logsBefore = readdirSync(join(home, 'logs')).length;
    writeFileSync(zip, Buffer.concat([original.subarray(0, -1), Buffer.from([original.at(-1)! ^ 1])]));
    try {
      edit('Tampered, %s!');
      const res = await unik(['build', app], env);
      expect(res.exitCode).toBe(1);
      expect(res.stderr.trim().split('\n')[0]).toMatch(new RegExp(`^unik: archive fork-lwip-UNIKRAFT-2_1_x\\.zip \\(downloaded by lib-lwip's build\\): checksum mismatch for ${zip}: expected sha256 [0-9a-f]{64}, found [0-9a-f]{64}; refusing to build`));
      expect(readdirSync(join(home, 'logs')).length).toBe(logsBefore);
    } finally {
      writeFileSync(zip, original);
    }
  }, 120_000);
});
