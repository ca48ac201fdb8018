import { describe, expect, it } from 'vitest';
import { LINEAR_REGEXP_MARK } from '../../lib/linear-regexp-flag.js';
import { compileReady } from '../../lib/ready-pattern.js';

describe('compileReady', () => {
  it('plain text is searched for as text: no linear engine, so no node:v8 at start', () => {
    const r = compileReady('Hello, world/1-2');
    expect(r).toBeInstanceOf(RegExp);
    expect((r as RegExp).flags).toBe('');
    expect((r as RegExp).test('... Hello, world/1-2 ...')).toBe(true);
    expect((globalThis as Record<symbol, unknown>)[Symbol.for(LINEAR_REGEXP_MARK)]).toBeUndefined();
  });

  it('a pattern with any regex syntax goes to the linear engine; what it cannot run is refused', () => {
    expect((compileReady('listening on \\d+') as RegExp).flags).toBe('l');
    expect(compileReady('(a)\\1')).toEqual({ problem: expect.stringMatching(/backreferences/) });
    expect(compileReady('x'.repeat(300))).toEqual({ problem: expect.stringMatching(/at most 256/) });
  });
});
