import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layout, unikHome } from '../../lib/home.js';
import { findMirageToolchain } from '../../toolchains/mirage/find.js';
import { osvPatches } from '../../targets/osv/patches.js';
import { ROOT, unik } from '../helpers/cli.js';
import { runClockFixture, steadiestRun } from '../helpers/clock.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome, osvHome, productSource } from '../helpers/toolchain.js';

/**
 * The TSC patches take the kernel's TSC frequency from the host instead of calibrating: prove the clock is still
 * right. Each fixture prints its own clock every 100 ms for 1 s; the host timestamps the lines, and the guest's
 * clock must run within 1 % of the host's.
 */
const FW_CFG_FILE = 'opt/unik/tsc_khz';

interface FixtureImage {
  id: string;
  path: string;
  patches: { source: string; file: string; sha256: string }[];
}

/** Copy test/fixtures/<name> to a temp dir and `unik build` it; the image record. */
async function buildFixture(name: string, env: Record<string, string>): Promise<FixtureImage> {
  const app = join(tmpTree(), name);
  cpSync(join(ROOT, 'test', 'fixtures', name), app, { recursive: true });
  const res = await unik(['build', app, '--json'], env);
  expect(res.exitCode, res.stderr).toBe(0);
  return JSON.parse(res.stdout).image;
}
const unikraftSrc = productSource('unikraft', 'TSC clock integration tests (Unikraft)');

describe.skipIf(!unikraftSrc)('Unikraft with the TSC patch keeps time (integration, real boot under TCG)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  let image: FixtureImage;

  beforeAll(async () => {
    expect((await unik(['sources', 'add', 'unikraft', unikraftSrc!], env)).exitCode).toBe(0);
    image = await buildFixture('clock-unikraft', env);
  }, 600_000);

  it('builds from a patched copy, lists the three patches in the record, and leaves the sources cache untouched', async () => {
    expect(image.patches).toEqual(['0001-tsc-frequency-from-fw-cfg.patch', '0002-report-the-app-exit-status.patch', '0003-monotonic-clock-without-accumulated-rounding.patch'].map((file) => ({ source: 'unikraft', file, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })));
    expect(readFileSync(image.path).includes(FW_CFG_FILE)).toBe(true);
    const status = await (await import('execa')).execa('git', ['-C', join(home, 'sources', 'unikraft'), 'status', '--porcelain']);
    expect(status.stdout).toBe('');
  });

  it('boots on the host\'s TSC frequency (microvm) and its clock runs within 1 % of the host\'s over 1 s', async () => {
    expect((await unik(['run', image.id, '--accel', 'tcg', '--dry-run'], env)).stdout).toMatch(new RegExp(`-fw_cfg name=${FW_CFG_FILE},string=\\d+`));
    const run = await steadiestRun(() => runClockFixture(image.id, env), (r) => {
      expect(r.code, r.output).toBe(0);
      expect(r.ticks).toHaveLength(11);
    });
    expect(Math.abs(run.drift), run.report).toBeLessThan(0.01);
  }, 60_000);

  it('sleeps on the machine unik boots it on (microvm, no local APIC): ten 100 ms sleeps take 1 s of the host\'s time, within 1 %', async () => {
    const run = await steadiestRun(() => runClockFixture(image.id, env, ['sleep']), (r) => {
      expect(r.code, r.output).toBe(0);
      expect(r.ticks).toHaveLength(11);
    });
    expect(Math.abs(run.drift), run.report).toBeLessThan(0.01);
  }, 60_000);
});

const mirage = await mirageHome('TSC clock integration tests (MirageOS virtio)', ['virtio'], () => tmpTree());
/** The Solo5 virtio bindings the toolchain links: patched when they know the fw_cfg file's name. */
const bindings = (() => {
  const elftool = findMirageToolchain(layout(unikHome())).tools['solo5-elftool'];
  return elftool ? join(dirname(elftool), '..', 'lib', 'x86_64-solo5-none-static', 'solo5_virtio.o') : null;
})();
const patched = !!bindings && existsSync(bindings) && readFileSync(bindings).includes(FW_CFG_FILE);
if (mirage && !patched) {
  console.warn(`\n*** SKIPPING TSC clock integration test (MirageOS virtio): ${bindings ?? 'Solo5'} is not built with toolchains/mirage/fixups/0001-solo5-tsc-frequency-from-fw-cfg.patch (unik toolchain install mirage) ***\n`);
}

describe.skipIf(!mirage || !patched)('Solo5 virtio with the TSC patch keeps time (integration, MirageOS under TCG)', () => {
  const env = { UNIK_HOME: mirage! };
  let id = '';

  beforeAll(async () => {
    id = (await buildFixture('clock-mirage', env)).id;
  }, 900_000);

  it('takes the frequency from the host, not a calibration, and its clock runs within 1 % of the host\'s over 1 s', async () => {
    // unik boots Solo5 quiet; the app's leading --solo5:info brings back the banner that names the clock source.
    const run = await steadiestRun(() => runClockFixture(id, env, ['--solo5:info']), (r) => {
      expect(r.code, r.output).toBe(0);
      expect(r.output).toMatch(/Solo5: Clock source: TSC, frequency \d+ Hz \(not calibrated\)/);
      expect(r.ticks).toHaveLength(11);
    });
    expect(Math.abs(run.drift), run.report).toBeLessThan(0.01);
  }, 60_000);
});

const osvSrc = productSource('osv', 'clock integration tests (OSv without ACPI)');

/**
 * OSv is not given a TSC frequency: under TCG it clocks itself with the HPET. unik's patch lets it find the HPET
 * without ACPI, and unik then boots it with none: prove that clock (and the timer sleeps use) keeps time.
 */
describe.skipIf(!osvSrc)('OSv with the HPET patch keeps time without ACPI (integration, real boot under TCG)', () => {
  const env = { UNIK_HOME: '' };
  let image: FixtureImage;

  beforeAll(async () => {
    env.UNIK_HOME = await osvHome(tmpTree());
    image = await buildFixture('clock-osv', env);
  }, 1_800_000);

  it('builds from a patched copy, lists the patch in the record, boots with -machine acpi=off, and leaves the sources cache untouched', async () => {
    expect(image.patches).toEqual(osvPatches().map(({ source, file, sha256 }) => ({ source, file, sha256 })));
    expect(image.patches.map((p) => p.file)).toContain('0001-hpet-at-its-fixed-address-without-acpi.patch');
    expect((await unik(['run', image.id, '--accel', 'tcg', '--dry-run'], env)).stdout).toMatch(/ -M pc -machine acpi=off /);
    const status = await (await import('execa')).execa('git', ['-C', osvSrc!, 'status', '--porcelain']);
    expect(status.stdout).toBe('');
  });

  for (const mode of ['polls', 'sleeps'] as const) {
    it(`${mode === 'polls' ? 'polls its clock' : 'sleeps ten times 100 ms'}: 1 s of its clock is 1 s of the host's, within 1 %`, async () => {
      const run = await steadiestRun(() => runClockFixture(image.id, env, mode === 'sleeps' ? ['sleep'] : []), (r) => {
        expect(r.code, r.output).toBe(0);
        expect(r.ticks).toHaveLength(11);
      });
      expect(Math.abs(run.drift), run.report).toBeLessThan(0.01);
    }, 60_000);
  }
});
