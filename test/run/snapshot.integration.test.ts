import { createHash } from 'node:crypto';
import { appendFileSync, closeSync, cpSync, existsSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { runClockFixture, steadiestRun } from '../helpers/clock.js';
import { httpGet } from '../helpers/http.js';
import { pidsMatching } from '../helpers/procs.js';
import { freePort } from '../helpers/registry.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome, osvHome, productSource } from '../helpers/toolchain.js';

/**
 * `unik run --snapshot` on real guests under TCG: the first run boots and saves the guest once ready, later runs
 * continue from there. What is checked is correctness (output, clock, ports, invalidation), never speed.
 */
interface Built {
  id: string;
  path: string;
}

/** Copy an app (examples/ or test/fixtures/) to a temp dir, optionally give it a ready marker, and build it. */
async function build(from: string, env: Record<string, string>, ready?: string): Promise<Built> {
  const app = join(tmpTree(), from.split('/').pop()!);
  cpSync(join(ROOT, from), app, { recursive: true });
  if (ready) appendFileSync(join(app, 'unik.yaml'), `ready: ${JSON.stringify(ready)}\n`);
  const res = await unik(['build', app, '--json'], env);
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout).image;
}

/** A --snapshot run measured as JSON; the console went to stderr. */
async function snapRun(id: string, env: Record<string, string>, flags: string[]) {
  const res = await unik(['run', id, '--snapshot', '--accel', 'tcg', '--timeout', '60s', '--json', ...flags], env);
  expect(res.exitCode, res.stderr).toBe(0);
  return { ...(JSON.parse(res.stdout) as { readyMs: number; snapshot: { key: string; action: string; path: string | null; why: string | null } }), stderr: res.stderr };
}

/** The clock fixture (issue 12's 1 % test) with a ready marker at its first line: saved there, restored, still 1 %. */
async function clockAfterRestore(id: string, env: Record<string, string>, args: string[] = []) {
  const saving = await runClockFixture(id, env, args, ['--snapshot']);
  expect(saving.code, saving.output).toBe(0);
  expect(saving.output).toMatch(/snapshot [0-9a-f]{16} saved/);
  const restored = await steadiestRun(() => runClockFixture(id, env, args, ['--snapshot']), (r) => {
    expect(r.code, r.output).toBe(0);
    expect(r.output).toMatch(/snapshot [0-9a-f]{16} restored/);
    // The start line was printed before the save: every tick after it comes from the restored guest.
    expect(r.output).not.toMatch(/clock-test start/);
    expect(r.ticks.length, r.output).toBeGreaterThanOrEqual(9);
  });
  expect(Math.abs(restored.drift), restored.report).toBeLessThan(0.01);
}

const READY = 'clock-test start';
const ukSuite = 'snapshot integration tests (Unikraft)';
const ukSources = { unikraft: productSource('unikraft', ukSuite), 'lib-lwip': productSource('lib-lwip', ukSuite), 'fork-lwip': productSource('fork-lwip', ukSuite) };

describe.skipIf(!Object.values(ukSources).every(Boolean))('unik run --snapshot on Unikraft (integration, real boots under TCG)', () => {
  const env = { UNIK_HOME: tmpTree() };
  let http: Built;
  let clock: Built;

  beforeAll(async () => {
    for (const [name, path] of Object.entries(ukSources)) expect((await unik(['sources', 'add', name, path!], env)).exitCode).toBe(0);
    http = await build('examples/http-unikraft', env);
    clock = await build('test/fixtures/clock-unikraft', env, READY);
  }, 900_000);

  it('saves once ready, then restores on other host ports: the restored guest answers there and keeps serving', async () => {
    const [p1, p2] = [await freePort(), await freePort()];
    const first = await snapRun(http.id, env, ['-p', `${p1}:80`, '--ready-http', `http://127.0.0.1:${p1}/`, '--stop-when-ready']);
    expect(first.snapshot).toMatchObject({ action: 'saved', why: null });
    expect(first.stderr).toMatch(/listening on port 80/);
    expect(existsSync(first.snapshot.path!)).toBe(true);
    // Ready on a restore is its first 200 on the new port: the published port was attached fresh.
    const second = await snapRun(http.id, env, ['-p', `${p2}:80`, '--ready-http', `http://127.0.0.1:${p2}/`, '--stop-when-ready']);
    expect(second.snapshot).toMatchObject({ action: 'restored', key: first.snapshot.key });
    expect(second.stderr).toMatch(/same RNG state and TCP sequence numbers/);
    // The boot's console is not replayed: the guest continues after its ready line.
    expect(second.stderr).not.toMatch(/listening on port 80/);
  }, 120_000);

  it('a restored guest serves requests after the first (a foreground run answering GETs, then stopped)', async () => {
    const port = await freePort();
    const { spawn } = await import('node:child_process');
    const { CLI } = await import('../helpers/cli.js');
    const child = spawn(process.execPath, [CLI, 'run', http.id, '--snapshot', '--accel', 'tcg', '-p', `${port}:80`, '--timeout', '60s'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const deadline = Date.now() + 30_000;
    let answer = await httpGet(port).catch(() => null);
    while (!answer && Date.now() < deadline) answer = await new Promise((r) => setTimeout(r, 50)).then(() => httpGet(port).catch(() => null));
    expect(answer?.status, err).toBe(200);
    for (let i = 0; i < 3; i++) expect((await httpGet(port)).status).toBe(200);
    const closed = new Promise((r) => child.on('close', r));
    child.kill('SIGINT');
    await closed;
    expect(err).toMatch(/snapshot [0-9a-f]{16} restored/);
  }, 90_000);

  it('detached (-d): the supervisor restores it, the guest serves, and unik stop records the restore', async () => {
    const port = await freePort();
    const start = await unik(['run', http.id, '--snapshot', '--accel', 'tcg', '-d', '-p', `${port}:80`, '--ready-http', `http://127.0.0.1:${port}/`, '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    expect(start.stderr).toMatch(/same RNG state and TCP sequence numbers/);
    const inst = JSON.parse(start.stdout) as { id: string; readyMs: number | null };
    expect(inst.readyMs).not.toBeNull();
    expect((await httpGet(port)).status).toBe(200);
    expect((await unik(['stop', inst.id], env)).exitCode).toBe(0);
    const ps = JSON.parse((await unik(['ps', '-a', '--json'], env)).stdout) as { id: string; snapshot?: { action: string } | null }[];
    expect(ps.find((i) => i.id === inst.id)?.snapshot?.action).toBe('restored');
    expect((await unik(['rm', inst.id], env)).exitCode).toBe(0);
  }, 120_000);

  it('another memory size is another snapshot; a damaged state or RAM file is never loaded but replaced', async () => {
    const port = await freePort();
    const flags = ['-p', `${port}:80`, '--ready-http', `http://127.0.0.1:${port}/`, '--stop-when-ready'];
    const base = await snapRun(http.id, env, flags);
    expect(base.snapshot.action).toBe('restored');
    const other = await snapRun(http.id, env, [...flags, '--memory', '48M']);
    expect(other.snapshot.action).toBe('saved');
    expect(other.snapshot.key).not.toBe(base.snapshot.key);
    appendFileSync(base.snapshot.path!, 'x');
    const damaged = await snapRun(http.id, env, flags);
    expect(damaged.snapshot).toMatchObject({ action: 'saved', key: base.snapshot.key, why: expect.stringMatching(/replaces an unusable one: .*corrupt \(sha256/) });
    expect((await snapRun(http.id, env, flags)).snapshot.action).toBe('restored');
    // The RAM file: restored guests map it privately, so after restores it still has the bytes saved; a damaged one is never mapped.
    const rec = JSON.parse(readFileSync(base.snapshot.path!.replace(/\.state$/, '.json'), 'utf8')) as { ram: { path: string; sha256: string } };
    expect(createHash('sha256').update(readFileSync(rec.ram.path)).digest('hex')).toBe(rec.ram.sha256);
    const fd = openSync(rec.ram.path, 'r+');
    writeSync(fd, Buffer.from('x'), 0, 1, 4096);
    closeSync(fd);
    expect((await snapRun(http.id, env, flags)).snapshot).toMatchObject({ action: 'saved', why: expect.stringMatching(/replaces an unusable one: .*\.ram is corrupt \(sha256/) });
    expect((await snapRun(http.id, env, flags)).snapshot.action).toBe('restored');
  }, 180_000);

  it('clock: after a restore, 1 s of the guest\'s clock is 1 s of the host\'s, within 1 % (polling, then sleeping)', async () => {
    await clockAfterRestore(clock.id, env);
    await clockAfterRestore(clock.id, env, ['sleep']);
  }, 120_000);

  afterAll(async () => {
    for (const pid of await pidsMatching(env.UNIK_HOME)) process.kill(pid, 'SIGKILL');
  });

  it('bench --density 3 --snapshot: three cold and three restored instances all answer, their PSS is counted, none is left running', async () => {
    const res = await unik(['bench', http.id, '--density', '3', '--snapshot', '--runtimes', 'unikernel', '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const rows = JSON.parse(res.stdout).rows as { n: number; mode: string; allReadyMs: number; readyMs: { max: number }; pssKiB: { total: number; perInstance: number } }[];
    expect(rows.map((r) => `${r.n} ${r.mode}`)).toEqual(['3 cold', '3 restored']);
    for (const r of rows) {
      expect(r.allReadyMs).toBeGreaterThanOrEqual(r.readyMs.max);
      // Each QEMU maps its binary and a guest: far more than nothing, far less than three 64 MiB guests each.
      expect(r.pssKiB.perInstance).toBeGreaterThan(4 * 1024);
      expect(r.pssKiB.perInstance).toBeLessThan(112 * 1024);
      expect(Math.abs(r.pssKiB.total - r.pssKiB.perInstance * 3)).toBeLessThanOrEqual(2);
    }
    expect(await pidsMatching(dirname(http.path))).toEqual([]);
  }, 300_000);

  it('bench --density refuses, in one line, a count whose guests cannot fit in the memory available', async () => {
    const res = await unik(['bench', http.id, '--density', '1000'], env);
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toMatch(/^unik: --density: expected at most \d+ instances of http-unikraft here \(112 MiB each: 64 MiB guest \+ ~48 MiB QEMU; \d+ MiB available\), found 1000$/);
  });

  it('rmi removes the image with its snapshots', async () => {
    const dir = dirname(http.path);
    expect(readdirSync(join(dir, 'snapshots')).some((f) => f.endsWith('.state'))).toBe(true);
    expect((await unik(['rmi', http.id], env)).exitCode).toBe(0);
    expect(existsSync(dir)).toBe(false);
  });
});

const osvSrc = productSource('osv', 'snapshot integration tests (OSv)');
const mirage = await mirageHome('snapshot integration tests (MirageOS virtio)', ['virtio'], () => tmpTree());

/** The other frameworks' clock fixtures, each in a home where it builds (null: skipped, after its one loud line). */
const clockTargets = [
  { name: 'OSv (its HPET clock, polling and sleeping)', fixture: 'clock-osv', home: osvSrc ? () => osvHome(tmpTree()) : null, modes: [[], ['sleep']] },
  { name: 'MirageOS virtio (the Solo5 TSC clock)', fixture: 'clock-mirage', home: mirage ? async () => mirage : null, modes: [[]] },
];

for (const t of clockTargets) {
  describe.skipIf(!t.home)(`unik run --snapshot on ${t.name} (integration, real boots under TCG)`, () => {
    const env = { UNIK_HOME: '' };
    let id = '';

    beforeAll(async () => {
      env.UNIK_HOME = await t.home!();
      id = (await build(`test/fixtures/${t.fixture}`, env, READY)).id;
    }, 1_800_000);

    it('clock: after a restore, 1 s of the guest\'s clock is 1 s of the host\'s, within 1 %', async () => {
      for (const args of t.modes) await clockAfterRestore(id, env, args);
    }, 120_000);
  });
}
