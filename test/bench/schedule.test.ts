import { describe, expect, it } from 'vitest';
import { schedule } from '../../bench/schedule.js';

describe('schedule', () => {
  it('interleaves: every round runs each contender once, warm-ups first', () => {
    const order = schedule(['u', 'r', 'c'], 2, 1).map((s) => `${s.warmup ? 'w' : 'm'}${s.round}${s.contender}`);
    expect(order).toEqual(['w1u', 'w1r', 'w1c', 'm1u', 'm1r', 'm1c', 'm2u', 'm2r', 'm2c']);
  });
  it('has no warm-up rounds when asked for none', () => {
    expect(schedule(['u'], 3, 0).every((s) => !s.warmup)).toBe(true);
    expect(schedule(['u'], 3, 0)).toHaveLength(3);
  });
  it('is empty without contenders', () => {
    expect(schedule([], 5, 2)).toEqual([]);
  });
});
