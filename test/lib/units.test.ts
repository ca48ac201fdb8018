import { describe, expect, it } from 'vitest';
import { memoryMiB, parseDuration, parseMemory } from '../../lib/units.js';

describe('memoryMiB (the one memory parser: unik.yaml and --memory)', () => {
  it.each([
    ['64M', 64],
    ['1G', 1024],
    ['4G', 4096],
    ['65536K', 64],
    ['2M', 2],
  ])('%s is %i MiB', (s, mib) => expect(memoryMiB(s)).toBe(mib));

  it.each(['1M', '5G', '100K', '0M', '64', '64m', '-1M', '1.5G', '99999999999M'])('refuses %s', (s) => expect(memoryMiB(s)).toBeNull());

  it('a bad flag is one usage line naming the flag', () => {
    expect(() => parseMemory('--memory', '3T')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--memory: expected a whole number of MiB from 2M to 4G/) }));
  });
});

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    ['3', 3000],
  ])('%s is %i ms', (s, ms) => expect(parseDuration('--timeout', s)).toBe(ms));

  it.each(['0', '0s', '0.4ms', '36000m', '99999999999999999999s', '25h', 'soon', '-1s', ''])('refuses %j: past Node timers or rounding to no timeout', (s) => {
    expect(() => parseDuration('--timeout', s)).toThrow(/^--timeout: expected a duration from 1ms to 24h/);
  });
});
