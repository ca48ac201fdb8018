import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS timer integration test', ['spt', 'virtio'], () => tmpTree());

describe.skipIf(!home)('examples/sleep-mirage: timers fire on every platform and the guest clock agrees with the host (integration)', () => {
  it.each(['spt', 'virtio'])('%s: sleeps 1 s, wakes up, exits 0; its monotonic clock is within a few %% of the host\'s', async (platform) => {
    const env = { UNIK_HOME: home! };
    const app = join(tmpTree(), 'sleep-mirage');
    cpSync(join(ROOT, 'examples', 'sleep-mirage'), app, { recursive: true });
    const build = await unik(['build', app, '--platform', platform, '--json'], env);
    expect(build.exitCode, build.stderr).toBe(0);
    // Before the fix a console-only virtio image slept forever on microvm: the timeout turns that into a failure.
    const run = await unik(['run', app, '--platform', platform, '--timeout', '30s', '--json'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { exitCode: number; readyMs: number; exitMs: number };
    const guestMs = Number(/slept (\d+) ns/.exec(run.stderr)?.[1]) / 1e6;
    // The guest asked for 1 s on its own clock and measured it.
    expect(guestMs).toBeGreaterThanOrEqual(1000);
    expect(guestMs).toBeLessThan(1050);
    // The host saw the same second between "sleeping 1 s" and the exit: a guest clock running fast or slow (a
    // wrong TSC calibration) shows here. The host figure also holds the guest's shutdown (ms on spt, tens of ms
    // for QEMU under TCG).
    const hostMs = result.exitMs - result.readyMs;
    expect(hostMs).toBeGreaterThan(guestMs * 0.97);
    expect(hostMs).toBeLessThan(guestMs * 1.05 + 150);
  }, 300_000);
});
