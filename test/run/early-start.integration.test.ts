import { execa } from 'execa';
import { readdirSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { putImage } from '../../images/store.js';
import { fileStamp } from '../../lib/file-stamp.js';
import { layout } from '../../lib/home.js';
import { launchKey } from '../../lib/early-start.js';
import { hostHelper } from '../../machine/host-helper.js';
import { probeGuest } from '../../machine/probe-guest.js';
import { CLI, ROOT, unik } from '../helpers/cli.js';
import { isAlive, pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';

const hasQemu = (await execa('qemu-system-x86_64', ['--version'], { reject: false })).exitCode === 0;
const hasGcc = (await execa('gcc', ['--version'], { reject: false })).exitCode === 0;
if (!hasQemu || !hasGcc) console.warn('\n*** SKIPPING early-start integration tests: they need qemu-system-x86_64 and gcc (apt-get install qemu-system-x86 gcc) ***\n');

/**
 * `unik run IMAGE` a second time starts the VMM from the first run's plan before the CLI has loaded
 * (lib/early-start.ts). Real CLI, real QEMU (the fixture guest unik compiles), a private cache home.
 */
describe.skipIf(!hasQemu || !hasGcc)('early start of a planned unik run (integration)', () => {
  const home = tmpTree();
  const cache = tmpTree();
  const env = { UNIK_HOME: home, XDG_CACHE_HOME: cache };
  const plans = join(cache, 'unik', 'plans');
  let image: ImageRecord;

  beforeAll(async () => {
    const l = layout(home);
    const kernel = await probeGuest(l);
    await hostHelper(l, 'reap');
    image = await putImage(l, kernel, {}, {
      id: 'e4a1e5000001', name: 'early', target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [],
      buildSeconds: 0, sources: [], frameworkVersion: null, createdAt: new Date().toISOString(), appDir: home, cacheKey: '', bootSettings: {},
      run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: ['hang', 'echo=early-marker'], memoryMiB: 8, ready: 'early-marker' },
    });
  }, 60_000);

  afterAll(async () => {
    for (const pid of await pidsMatching(home)) process.kill(pid, 'SIGKILL');
  });

  // The fixture guest exits only through its own debug-exit port, which a unikraft image's machine does not
  // have: it is stopped once its marker is out, as a server is when measured.
  const run = async () => {
    const r = await unik(['run', image.id, '--accel', 'tcg', '--stop-when-ready', '--json'], env);
    return { ...r, j: JSON.parse(r.stdout || 'null') };
  };
  const planFiles = () => readdirSync(plans).map((f) => join(plans, f));
  /** Where the plan of this command line (run by unik() from the repository root) is kept. */
  const planFile = (argv: string[]) => join(plans, `${launchKey(fileStamp(join(ROOT, 'dist', 'cli', 'unik.cjs'))!.stamp, argv, resolve(ROOT), { ...process.env, ...env })}.json`);

  it('the second identical run is started early and reports what a started-late one does', async () => {
    const first = await run();
    expect(first.exitCode, first.stderr).toBe(0);
    expect(first.j.startedEarly).toBe(false);
    expect(planFiles()).toHaveLength(1);
    const second = await run();
    expect(second.exitCode, second.stderr).toBe(0);
    expect(second.j).toMatchObject({ startedEarly: true, exitCode: 0, how: 'stopped once ready' });
    // The console went out whole, in order, after the CLI adopted the VMM (--json: on stderr).
    for (const r of [first, second]) expect(r.stderr).toMatch(/unik-probe: up[\s\S]*early-marker[\s\S]*first output in/);
    expect(second.j.bootMs).toBeGreaterThan(0);
    expect(second.j.readyMs).toBeGreaterThanOrEqual(second.j.bootMs);
    expect(second.j.exitMs).toBeGreaterThanOrEqual(second.j.bootMs);
    expect(second.j.peakRssKiB).toBeGreaterThan(8 * 1024);
    // Another command line (here --json dropped) has its own plan.
    const plain = await unik(['run', image.id, '--accel', 'tcg', '--stop-when-ready'], env);
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain('early-marker');
    expect(planFiles()).toHaveLength(2);
  }, 60_000);

  it('a changed kernel, record or store is not started early; the run after it is again', async () => {
    await run();
    // Touching the kernel changes its ctime: the plan no longer holds (and the image is verified again).
    utimesSync(image.path, new Date(), new Date());
    expect((await run()).j.startedEarly).toBe(false);
    expect((await run()).j.startedEarly).toBe(true);
  }, 60_000);

  it('a plan for another VMM than the CLI decides: the early one is killed, the decided one runs', async () => {
    await run();
    const file = planFile(['run', image.id, '--accel', 'tcg', '--stop-when-ready', '--json']);
    const p = JSON.parse(readFileSync(file, 'utf8'));
    // Same reaper and stamps, another guest (one with a marker of its own in its argv).
    p.args = p.args.map((a: string) => a.replace('echo=early-marker', 'echo=stray-guest'));
    writeFileSync(file, JSON.stringify(p));
    const r = await run();
    expect(r.exitCode).toBe(0);
    expect(r.j.startedEarly).toBe(false);
    expect(r.stderr).not.toContain('stray-guest');
    expect(await pidsMatching('stray-guest')).toEqual([]);
    // The run the CLI started itself left its own plan in place of the stray one.
    expect(readFileSync(file, 'utf8')).toContain('echo=early-marker');
  }, 60_000);

  it('an early VMM the CLI never adopts (the command fails first) is killed when unik exits', async () => {
    const argv = ['run', 'no-such-image'];
    const pidFile = join(home, 'stray.pid');
    writeFileSync(planFile(argv), JSON.stringify({ file: 'sh', args: ['-c', `echo $$ > ${pidFile}; exec sleep 30`], stamps: [] }));
    const r = await unik(argv, env);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('no-such-image');
    const pid = Number(readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !isAlive(pid), 3000)).toBe(true);
  }, 30_000);

  it('--timeout counts from the early spawn, and a Ctrl-C stops an early-started guest', async () => {
    const hang = async () => unik(['run', image.id, '--accel', 'tcg', '--json', '--timeout', '1s', 'hang'], env);
    expect((await hang()).exitCode).toBe(1);
    const t = await hang();
    expect(JSON.parse(t.stdout)).toMatchObject({ startedEarly: true, timedOut: true, exitCode: 1 });
    expect(JSON.parse(t.stdout).exitMs).toBeLessThan(1900);

    const child = execa(process.execPath, [CLI, 'run', image.id, '--accel', 'tcg', '--json', '--timeout', '1s', 'hang'], { env, reject: false, stdin: 'ignore' });
    let err = '';
    child.stderr!.on('data', (c) => (err += c));
    expect(await waitFor(() => err.includes('unik-probe: up'), 10_000)).toBe(true);
    child.kill('SIGINT');
    const r = await child;
    expect(r.exitCode).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ startedEarly: true, interrupted: 'SIGINT' });
    expect(await pidsMatching(home)).toEqual([]);
  }, 60_000);
});
