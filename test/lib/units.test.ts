import { describe, expect, it } from 'vitest';
import { parseCount, parseDuration } from '../../lib/units.js';

describe('parseDuration (--timeout)', () => {
  it.each([
    ['500ms', 500],
    ['10s', 10_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['24h', 86_400_000],
    ['1ms', 1],
    ['0.6ms', 1],
  ])('%s → %d ms', (s, ms) => {
    expect(parseDuration('--timeout', s)).toBe(ms);
  });

  // Each of these once became "no timeout" or Node's 1 ms overflow timer (the VM killed at once).
  it.each(['36000m', '99999999999999999999s', '0.4ms', '0', '0s', '25h', '1e3s', '-1s', '10 s', ''])('rejects %j with exit 2, naming the flag and the range', (s) => {
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
