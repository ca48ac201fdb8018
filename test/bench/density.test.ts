import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../bench/options.js';
import { densityBudget, memAvailableKiB, pssKiB, QEMU_OVERHEAD_MIB } from '../../bench/density.js';
import { densityChartSpec, densityText } from '../../bench/density-report.js';
import type { DensityReport } from '../../bench/density-bench.js';

const defaults = { runs: '20', warmup: '2' };

describe('--density and --snapshot flags', () => {
  it('take a comma-separated list of counts; a bad count is one line naming the flag', () => {
    expect(parseBenchFlags({ ...defaults, density: '1, 10,50', snapshot: true })).toMatchObject({ density: [1, 10, 50], snapshot: true });
    expect(() => parseBenchFlags({ ...defaults, density: '1,x' })).toThrow(/^--density: /);
    expect(() => parseBenchFlags({ ...defaults, density: '0' })).toThrow(/^--density: /);
  });
});

describe('the memory budget', () => {
  it('fits N instances of guest RAM plus QEMU in 90 % of what is available', () => {
    expect(densityBudget(64, 1024 * 1024)).toEqual({ perInstanceMiB: 64 + QEMU_OVERHEAD_MIB, maxN: Math.floor(921.6 / (64 + QEMU_OVERHEAD_MIB)) });
    expect(densityBudget(64, 0).maxN).toBe(0);
  });

  it('reads MemAvailable and Pss from the kernel\'s own files', () => {
    expect(memAvailableKiB('MemTotal:       24000000 kB\nMemFree:  100 kB\nMemAvailable:   20000000 kB\n')).toBe(20_000_000);
    expect(() => memAvailableKiB('MemTotal: 1 kB\n')).toThrow(/MemAvailable/);
    expect(pssKiB('55d0-7ffd ---p 00000000 00:00 0 [rollup]\nRss:   71060 kB\nPss:   68874 kB\nPss_Dirty:  48528 kB\n')).toBe(68874);
  });
});

describe('the density report', () => {
  const row = (n: number, mode: 'cold' | 'restored', ms: number, each: number) => ({
    image: 'http-unikraft', n, mode, allReadyMs: ms, startsPerSecond: (n / ms) * 1000, readyMs: { median: ms, p95: ms, min: ms, max: ms },
    pssKiB: { total: each * n, perInstance: each }, memAvailableKiB: 1, guestMiB: 64,
  });
  const report: DensityReport = { image: 'http-unikraft', rows: [row(1, 'cold', 700, 40_000), row(1, 'restored', 300, 30_000)], load: { before: 1, after: 2 } };

  it('prints one line per count and start mode, and charts time and memory against the count', () => {
    const text = densityText(report);
    expect(text).toMatch(/^1 +cold +700 +1\.43 +700 +39\.1 +39\.1$/m);
    expect(text).toMatch(/^1 +restored +300 +3\.33 +300 +29\.3 +29\.3$/m);
    expect(text).toMatch(/load average 1\.00 before, 2\.00 after/);
    const spec = JSON.stringify(densityChartSpec(report));
    expect(spec).toContain('ms until all answer 200');
    expect(spec).toContain('PSS per instance, MiB');
  });
});

describe('the crun twin in the same report', () => {
  it('is a row of its own, charted on the same axes, with the network part of its PSS said', () => {
    const twin = {
      image: 'http-unikraft', n: 10, mode: 'crun' as const, allReadyMs: 600, startsPerSecond: 16.67, readyMs: { median: 580, p95: 590, min: 500, max: 600 },
      pssKiB: { total: 10 * 1024, perInstance: 1024, network: 5 * 1024 }, memAvailableKiB: 1, guestMiB: null,
    };
    const report: DensityReport = { image: 'http-unikraft', rows: [twin], load: { before: 1, after: 2 } };
    expect(densityText(report)).toMatch(/^10 +crun +600 +16\.67 +580 +10\.0 +1\.0$/m);
    expect(densityText(report)).toMatch(/crun, N = 10: PSS counts crun's monitor, the container's processes, and its network \(slirp4netns and the namespace's holder: 5\.0 MiB of the total\)/);
    expect(JSON.stringify(densityChartSpec(report))).toContain('"mode":"crun"');
  });
});

describe('a count that could not be measured', () => {
  it('is a row saying why, left out of the chart', () => {
    const report: DensityReport = { image: 'http-unikraft', rows: [{ n: 50, mode: 'cold', error: 'an instance of http-unikraft ended before answering: timed out after 310 s' }], load: { before: 20, after: 20 } };
    expect(densityText(report)).toMatch(/^50 +cold +not measured: an instance of http-unikraft ended before answering: timed out after 310 s$/m);
    expect(JSON.stringify(densityChartSpec(report))).not.toContain('timed out');
  });
});
