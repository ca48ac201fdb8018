import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QemuBootSpec } from '../../machine/boot-spec.js';
import { probeGuest } from '../../machine/probe-guest.js';
import { probeSpec } from '../../machine/probe-spec.js';
import type { ImageRecord } from '../../images/record.js';
import { putImage } from '../../images/store.js';
import { runVm } from '../../machine/vm-process.js';
import { layout } from '../../lib/home.js';
import { CLI, unik } from '../helpers/cli.js';
import { isAlive, pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';

const hasQemu = (await execa('qemu-system-x86_64', ['--version'], { reject: false })).exitCode === 0;
if (!hasQemu) console.warn('\n*** SKIPPING QEMU runner integration tests: qemu-system-x86_64 is not installed (apt-get install qemu-system-x86) ***\n');

/** The fixture guest (a 5 KB multiboot kernel unik compiles itself) booted under TCG, console-only. */
const fixtureSpec = (kernel: string, append: string): QemuBootSpec => ({ ...probeSpec(kernel), append });

describe.skipIf(!hasQemu)('QEMU runner (integration, fixture guest)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  let kernel: string;
  let hangImage: ImageRecord;

  beforeAll(async () => {
    const l = layout(home);
    kernel = await probeGuest(l);
    // A stored image whose kernel never exits ("hang" on its command line): for timeouts, signals and detach.
    hangImage = await putImage(l, kernel, {}, {
      id: 'f1f7a4e00001', name: 'fixture', target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [],
      buildSeconds: 0, sources: [], frameworkVersion: null, createdAt: new Date().toISOString(), appDir: home, cacheKey: '', bootSettings: {},
      run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: ['hang'], memoryMiB: 8, ready: 'unik-probe: up' },
    });
  }, 60_000);

  afterAll(async () => {
    for (const pid of await pidsMatching(home)) process.kill(pid, 'SIGKILL');
  });

  it('passes the guest exit code through isa-debug-exit and measures boot and exit', async () => {
    let out = '';
    const m = await runVm(fixtureSpec(kernel, 'exit=3 echo=marker'), { accel: 'tcg', onOutput: (c) => (out += c), ready: /marker/ });
    expect(m.exitCode).toBe(3);
    expect(m.how).toBe('guest exit code 3');
    expect(out).toContain('unik-probe: up');
    expect(m.bootMs).toBeGreaterThan(0);
    expect(m.readyMs).toBeGreaterThanOrEqual(m.bootMs!);
    expect(m.exitMs).toBeGreaterThanOrEqual(m.readyMs!);
  });

  it('exit code 0 for a clean exit', async () => {
    const m = await runVm(fixtureSpec(kernel, 'exit=0'), { accel: 'tcg', onOutput: () => {} });
    expect(m.exitCode).toBe(0);
  });

  it('reports the VMM\'s peak memory and the VMM floor for the same argv shape, measured once and cached', async () => {
    // The fixture image never exits (it boots with Unikraft's exit port): stopped after 1 s, it still has both figures.
    const run = (...extra: string[]) => unik(['run', hangImage.id, '--accel', 'tcg', '--timeout', '1s', '--json', ...extra], env);
    const res = await run();
    expect(res.exitCode).toBe(1);
    const j = JSON.parse(res.stdout);
    // QEMU itself holds tens of MiB whatever the guest does.
    expect(j.peakRssKiB).toBeGreaterThan(8 * 1024);
    expect(j.floor).toMatchObject({ machine: 'microvm', accel: 'tcg', memoryMiB: 8, runs: 5 });
    expect(j.floor.exitMs).toBeGreaterThan(0);
    // Killed by --timeout: its time is the timeout's, not a boot's, so no ratio (and the reason instead).
    expect(j.vsFloor).toBeNull();
    expect(res.stderr).toMatch(/peak RSS [\d.]+ MiB · VMM floor \d+ ms \(QEMU -M microvm -accel tcg, a guest that exits at once\): no ratio: the guest did not exit by itself \(timed out after 1 s\)/);
    expect((JSON.parse((await run()).stdout)).floor.measuredAt).toBe(j.floor.measuredAt);
    expect((JSON.parse((await run('--remeasure-floor')).stdout)).floor.measuredAt).not.toBe(j.floor.measuredAt);
  }, 60_000);

  it('--timeout kills QEMU and exits 1, leaving no process', async () => {
    const res = await unik(['run', hangImage.id, '--accel', 'tcg', '--timeout', '1s', '--json'], env);
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toContain('timed out after 1 s');
    const j = JSON.parse(res.stdout);
    expect(j).toMatchObject({ accel: 'tcg', machine: 'microvm', exitCode: 1, timedOut: true });
    expect(j.bootMs).toBeGreaterThan(0);
    expect(j.readyMs).toBeGreaterThan(0);
    expect(await pidsMatching(hangImage.path)).toEqual([]);
  });

  /** `unik run` of the hanging fixture in the foreground, once the guest is up; with its QEMU pid. */
  async function startForeground() {
    const child = spawn(process.execPath, [CLI, 'run', hangImage.id, '--accel', 'tcg'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    const err = { text: '' };
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (err.text += c));
    expect(await waitFor(() => out.includes('unik-probe: up'), 10_000)).toBe(true);
    const [qemuPid] = await pidsMatching(hangImage.path);
    expect(qemuPid).toBeGreaterThan(0);
    return { child, qemuPid: qemuPid!, err };
  }

  it.each(['SIGINT', 'SIGTERM'] as const)('%s to unik stops QEMU (checked by pid)', async (sig) => {
    const { child, qemuPid, err } = await startForeground();
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    child.kill(sig);
    expect(await exited).toBe(1);
    expect(await waitFor(() => !isAlive(qemuPid), 3000)).toBe(true);
    // QEMU's "terminating on signal N from pid …" is unik's own doing: not shown.
    expect(err.text).toContain(`stopped by ${sig}`);
    expect(err.text).not.toContain('terminating on signal');
  });

  it('unik killed with SIGKILL takes QEMU with it (no orphan)', async () => {
    const { child, qemuPid } = await startForeground();
    child.kill('SIGKILL');
    expect(await waitFor(() => !isAlive(qemuPid), 3000)).toBe(true);
  });

  it('detach → ps → logs → stop → rm, with unique names and state surviving the CLI', async () => {
    const start = await unik(['run', hangImage.id, '--accel', 'tcg', '--detach', '--name', 'fx1', '--json'], env);
    expect(start.exitCode, start.stderr).toBe(0);
    const inst = JSON.parse(start.stdout);
    expect(inst).toMatchObject({ name: 'fx1', state: 'running' });
    expect(isAlive(inst.pid)).toBe(true);

    const dup = await unik(['run', hangImage.id, '--accel', 'tcg', '--detach', '--name', 'fx1'], env);
    expect(dup.exitCode).toBe(2);
    expect(dup.stderr).toContain('--name: expected a name not in use');

    const ps = JSON.parse((await unik(['ps', '--json'], env)).stdout);
    expect(ps).toEqual([expect.objectContaining({ id: inst.id, name: 'fx1', image: 'fixture', state: 'running', pid: inst.pid, exitCode: null, ports: [] })]);
    for (const k of ['id', 'name', 'image', 'state', 'pid', 'startedAt', 'exitCode', 'ports']) expect(ps[0]).toHaveProperty(k);

    expect((await unik(['logs', 'fx1'], env)).stdout).toContain('unik-probe: up');
    const rmRunning = await unik(['rm', 'fx1'], env);
    expect(rmRunning.exitCode).toBe(2);

    const stop = await unik(['stop', 'fx1', '--json'], env);
    expect(JSON.parse(stop.stdout)).toMatchObject({ state: 'exited', exitCode: 1 });
    expect(isAlive(inst.pid)).toBe(false);
    expect((await unik(['rm', 'fx1'], env)).exitCode).toBe(0);
    expect(JSON.parse((await unik(['ps', '--json'], env)).stdout)).toEqual([]);
  }, 30_000);

  it('a killed supervisor takes its QEMU along and the instance shows as exited', async () => {
    const start = await unik(['run', hangImage.id, '--accel', 'tcg', '--detach', '--name', 'fx2', '--json'], env);
    const inst = JSON.parse(start.stdout);
    const [ps0] = JSON.parse((await unik(['ps', '--json'], env)).stdout);
    expect(ps0.state).toBe('running');
    const supervisor = (await import('../../run/instances.js')).findInstance('fx2', layout(home)).supervisorPid!;
    process.kill(supervisor, 'SIGKILL');
    expect(await waitFor(() => !isAlive(inst.pid), 3000)).toBe(true);
    const [ps1] = JSON.parse((await unik(['ps', '-a', '--json'], env)).stdout);
    expect(ps1.state).toBe('exited');
    await unik(['rm', 'fx2'], env);
  }, 30_000);

  it("docker's habits: ps shows running ones (-a all, -q ids), stop A B, rm A B, run -d --rm", async () => {
    const start = async (name: string, ...extra: string[]) => {
      const res = await unik(['run', hangImage.id, '--accel', 'tcg', '--detach', '--name', name, '--json', ...extra], env);
      expect(res.exitCode, res.stderr).toBe(0);
      return JSON.parse(res.stdout) as { id: string; pid: number };
    };
    const [a, b] = [await start('ha'), await start('hb')];
    const gone = await start('hgone', '--rm');
    expect((await unik(['ps', '-q'], env)).stdout.split('\n').filter(Boolean).sort()).toEqual([a.id, b.id, gone.id].sort());

    const stop = await unik(['stop', 'ha', 'hb'], env);
    expect(stop.exitCode, stop.stderr).toBe(0);
    expect(stop.stdout).toMatch(/^ha stopped .*\nhb stopped /);
    expect(isAlive(a.pid) || isAlive(b.pid)).toBe(false);
    expect((await unik(['ps', '-q'], env)).stdout.trim()).toBe(gone.id);
    expect(JSON.parse((await unik(['ps', '-a', '--json'], env)).stdout).map((p: { name: string }) => p.name).sort()).toEqual(['ha', 'hb', 'hgone']);

    // --rm: once stopped, its record is gone by itself.
    expect((await unik(['stop', 'hgone'], env)).exitCode).toBe(0);
    expect(await waitFor(async () => !(await unik(['ps', '-a', '-q'], env)).stdout.includes(gone.id), 10_000)).toBe(true);

    // One name that is not there fails alone; the others are still removed; the exit code says so.
    const rm = await unik(['rm', 'ha', 'nosuch', 'hb'], env);
    expect(rm.exitCode).toBe(2);
    expect(rm.stdout).toBe('removed ha\nremoved hb');
    expect(rm.stderr).toContain('nosuch');
    expect(JSON.parse((await unik(['ps', '-a', '--json'], env)).stdout)).toEqual([]);
  }, 60_000);

  it('run -i: stdin reaches the guest\'s serial console', async () => {
    const child = spawn(process.execPath, [CLI, 'run', hangImage.id, '--accel', 'tcg', '-it', '--', 'read', 'hang'], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    expect(await waitFor(() => out.includes('unik-probe: up'), 10_000)).toBe(true);
    child.stdin.write('typed on the host\n');
    expect(await waitFor(() => out.includes('unik-probe: read typed on the host'), 10_000)).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(1);
    const detached = await unik(['run', hangImage.id, '-i', '--detach'], env);
    expect(detached.exitCode).toBe(2);
    expect(detached.stderr).toContain('-i: an interactive console needs the foreground');
  }, 30_000);

  it('says why it fell back to TCG once, on the first run, not on every run', async () => {
    const run = () => unik(['run', hangImage.id, '--timeout', '1s'], env);
    const first = await run();
    // Where KVM works there is nothing to explain; here (PVM) the first auto run says why.
    if (!first.stderr.includes('using TCG')) return;
    expect(first.stderr).toContain('(said once; details: unik doctor)');
    const second = await run();
    expect(second.stderr).not.toContain('using TCG');
    expect(second.stderr).toMatch(/\(code 1, tcg; timed out after 1 s\)/);
  }, 30_000);
});
