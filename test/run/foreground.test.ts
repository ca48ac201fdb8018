import { describe, expect, it } from 'vitest';
import { floorRatio } from '../../run/foreground.js';

describe('floorRatio', () => {
  const run = { exitMs: 120, timedOut: false, interrupted: null, how: 'halted' };

  it('compares a guest that exited by itself about as soon as it booted', () => {
    expect(floorRatio(run, 100)).toEqual({ vsFloor: 1.2, noRatio: null });
  });

  it('gives no ratio, and says why, for a timeout, a signal, a stop once ready, or a guest that ran long (slept)', () => {
    expect(floorRatio({ ...run, timedOut: true, how: 'timed out after 1 s' }, 100)).toEqual({ vsFloor: null, noRatio: 'no ratio: the guest did not exit by itself (timed out after 1 s)' });
    expect(floorRatio({ ...run, interrupted: 'SIGINT', how: 'stopped by SIGINT' }, 100).vsFloor).toBeNull();
    expect(floorRatio({ ...run, how: 'stopped once ready' }, 100).vsFloor).toBeNull();
    expect(floorRatio({ ...run, exitMs: 1130 }, 100)).toEqual({ vsFloor: null, noRatio: "no ratio: it ran 11.3× the floor's time, so it did more than boot and exit" });
  });
});
