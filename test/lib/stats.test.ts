import { describe, expect, it } from 'vitest';
import { medianRatio, percentile, summarize } from '../../lib/stats.js';

describe('percentile', () => {
  it('interpolates between the nearest ranks', () => {
    expect(percentile([10, 20, 30, 40], 50)).toBe(25);
    expect(percentile([10, 20, 30], 95)).toBeCloseTo(29);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21], 95)).toBe(20);
  });
  it('of one value is that value', () => {
    expect(percentile([7], 0)).toBe(7);
    expect(percentile([7], 95)).toBe(7);
  });
  it('refuses no values', () => {
    expect(() => percentile([], 50)).toThrow(RangeError);
  });
});

describe('summarize', () => {
  it('sorts before it reads ranks and leaves the input alone', () => {
    const xs = [30, 10, 20];
    expect(summarize(xs)).toEqual({ median: 20, p95: 29, min: 10, max: 30 });
    expect(xs).toEqual([30, 10, 20]);
  });
});

describe('medianRatio', () => {
  it('is the quotient of medians', () => {
    const a = summarize([50]);
    const b = summarize([200]);
    expect(medianRatio(a, b)).toBe(0.25);
    expect(medianRatio(b, b)).toBe(1);
  });
});
