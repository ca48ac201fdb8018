import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS timer integration test', ['spt', 'virtio'], () => tmpTree());

describe.skipIf(!home)('examples/sleep-mirage: timers fire on every platform and the guest clock agrees with the host (integration)', () => {
  const env = { UNIK_HOME: home! };
  const app = join(tmpTree(), 'sleep-mirage');

  beforeAll(async () => {
    cpSync(join(ROOT, 'examples', 'sleep-mirage'), app, { recursive: true });
    for (const platform of ['spt', 'virtio']) {
      const build = await unik(['build', app, '--platform', platform, '--json'], env);
      expect(build.exitCode, build.stderr).toBe(0);
    }
  }, 900_000);

  it.each([
    // The tender gives the guest the host's clock_gettime; it exits within milliseconds.
    ['spt', 100],
    // microvm without a local APIC, so the PIT's interrupt reaches the CPU; the clock runs on the host's TSC
    // frequency (fw_cfg, the installer's Solo5 patch). QEMU's exit after solo5_exit takes tens of ms under TCG.
    ['virtio', 150],
  ])('%s: sleeps 1 s, wakes up and exits 0; the guest clock is within a few per cent of the host\'s', async (platform, exitSlackMs) => {
    // Before the fix a console-only virtio image slept forever on microvm: the timeout turns that into a failure.
    // unik boots Solo5 quiet; the app's leading --solo5:info brings back the banner that names the clock source.
    const run = await unik(['run', app, '--platform', platform, '--timeout', '30s', '--json', '--', '--solo5:info'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    if (platform === 'virtio') expect(run.stderr).toMatch(/Solo5: Clock source: TSC, frequency \d+ Hz \(not calibrated\)/);
    const result = JSON.parse(run.stdout) as { readyMs: number; exitMs: number };
    // The guest's measure of its own 1 s sleep, and the host's: "sleeping 1 s" (ready) to the exit.
    const guestMs = Number(/slept (\d+) ns/.exec(run.stderr)?.[1]) / 1e6;
    const hostMs = result.exitMs - result.readyMs;
    expect(guestMs).toBeGreaterThanOrEqual(1000);
    expect(guestMs).toBeLessThan(1050);
    expect(hostMs, run.stderr).toBeGreaterThan(guestMs * 0.97);
    expect(hostMs, run.stderr).toBeLessThan(guestMs * 1.03 + exitSlackMs);
  }, 60_000);
});
