import { describe, expect, it } from 'vitest';
import { clockDrift, steadiestRun, type Tick } from './clock.js';

const ticks = (rate: number, delays: number[]): Tick[] => delays.map((d, k) => ({ guestMs: k * 100, hostMs: 5000 + k * 100 * rate + d }));

describe('clockDrift (the clock integration test\'s yardstick)', () => {
  it('is zero for a guest clock at the host rate, whatever constant delay the console adds', () => {
    expect(clockDrift(ticks(1, Array(11).fill(7)))).toBeCloseTo(0, 6);
  });
  it('sees a guest clock 24 % slow (a calibration under load did that here) as +0.24', () => {
    expect(clockDrift(ticks(1.24, Array(11).fill(0)))).toBeCloseTo(0.24, 6);
  });
  it('ignores lines the console delivered late, as long as a few per end arrived on time', () => {
    expect(Math.abs(clockDrift(ticks(1, [0, 30, 2, 1, 40, 0, 25, 1, 0, 60, 3])))).toBeLessThan(0.01);
  });
});

describe('steadiestRun (retries a noisy clock measurement, never a wrong clock)', () => {
  const runs = (...rates: number[]) => {
    let n = 0;
    return { run: async () => ({ ticks: ticks(rates[n++]!, Array(11).fill(0)), output: '' }), count: () => n };
  };
  it('stops at the first run within the limit', async () => {
    const r = runs(1.012, 1.003, 1);
    expect((await steadiestRun(r.run, () => {})).drift).toBeCloseTo(0.003, 6);
    expect(r.count()).toBe(2);
  });
  it('returns the last of three runs that are all off, with its drift and every try\'s in the report, so the assertion fails', async () => {
    const r = runs(1.05, 1.05, 1.02, 1);
    const last = await steadiestRun(r.run, () => {});
    expect(last.drift).toBeCloseTo(0.02, 6);
    expect(last.report).toMatch(/drift of each try: 5\.00 %, 5\.00 %, 2\.00 %$/);
    expect(r.count()).toBe(3);
  });
  it('checks every run it takes', async () => {
    await expect(steadiestRun(runs(1).run, () => { throw new Error('exit code 1'); })).rejects.toThrow('exit code 1');
  });
});
