import { describe, expect, it } from 'vitest';
import { sameAppOutput } from '../../bench/output-match.js';

const CONSOLE = 'Powered by\r\n  Unikraft banner\r\nHello, world! (from a unik-built unikernel)\r\n';

describe('sameAppOutput', () => {
  it('finds the twin output inside the console, whatever the line endings', () => {
    expect(sameAppOutput(CONSOLE, 'Hello, world! (from a unik-built unikernel)\n')).toBe(true);
  });
  it('notices a different greeting', () => {
    expect(sameAppOutput(CONSOLE, 'Hello, moon!\n')).toBe(false);
  });
  it('does not count empty output as a match', () => {
    expect(sameAppOutput(CONSOLE, '\n')).toBe(false);
  });
});
