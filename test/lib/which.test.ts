import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../../lib/which.js';

describe('which', () => {
  it('finds an executable on PATH', async () => {
    expect(await which('node', { PATH: dirname(process.execPath) })).toBe(process.execPath);
  });
  it('returns null for a name that is nowhere', async () => {
    expect(await which('unik-no-such-program', { PATH: '/nonexistent' })).toBeNull();
  });
});
