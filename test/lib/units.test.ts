import { describe, expect, it } from 'vitest';
import { memoryMiB, parseCount, parseDuration, parseMemory } from '../../lib/units.js';

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
    ['24h', 86_400_000],
    ['3', 3000],
    ['1ms', 1],
    ['0.6ms', 1],
  ])('%s is %i ms', (s, ms) => expect(parseDuration('--timeout', s)).toBe(ms));

  // Each of these once became "no timeout" or Node's 1 ms overflow timer (the VM killed at once).
  it.each(['0', '0s', '0.4ms', '36000m', '99999999999999999999s', '25h', 'soon', '-1s', '', '1e3s', '10 s'])('refuses %j: past Node timers or rounding to no timeout', (s) => {
    expect(() => parseDuration('--timeout', s)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--timeout: expected a duration from 1ms to 24h/) }));
  });
});

describe('parseCount', () => {
  it('accepts whole numbers in range and names the flag otherwise', () => {
    expect(parseCount('--tail', '0', 0, 10)).toBe(0);
    expect(parseCount('--tail', '10', 0, 10)).toBe(10);
    for (const bad of ['11', '-1', '1.5', 'x', '']) expect(() => parseCount('--tail', bad, 0, 10)).toThrow(/--tail: expected a whole number from 0 to 10/);
  });
});
