import { describe, expect, it } from 'vitest';
import { summaryLine } from '../../cli/commands/run.js';

describe('summaryLine', () => {
  const run = { bootMs: 101, readyMs: null, exitMs: 120, exitCode: 0, accel: 'tcg', how: 'halted', peakRssKiB: 2048, floor: null, vsFloor: null, noRatio: null };

  it('says what it measured: first output, not "booted"; a tender has no VMM', () => {
    expect(summaryLine(run)).toBe('first output in 101 ms · ready in – · exited in 120 ms (code 0, tcg; halted)\npeak RSS 2.0 MiB');
    expect(summaryLine({ ...run, accel: 'none' })).toContain('(code 0, no VMM; halted)');
  });

  it('gives the floor ratio only where there is one, and otherwise why not', () => {
    const floor = { machine: 'microvm', accel: 'tcg', exitMs: 100 } as never;
    expect(summaryLine({ ...run, floor, vsFloor: 1.2 })).toContain('a guest that exits at once): exit = 1.2× the floor');
    const line = summaryLine({ ...run, floor, noRatio: 'no ratio: the guest did not exit by itself (timed out after 1 s)' });
    expect(line).toContain('a guest that exits at once): no ratio: the guest did not exit by itself (timed out after 1 s)');
    expect(line).not.toContain('× the floor');
  });
});
