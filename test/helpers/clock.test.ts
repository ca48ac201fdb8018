import { describe, expect, it } from 'vitest';
import { clockDrift, type Tick } from './clock.js';

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
