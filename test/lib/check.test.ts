import { describe, expect, it } from 'vitest';
import { toolCheck } from '../../lib/check.js';

describe('toolCheck', () => {
  it('ok with the path, or the status asked for with the apt line that fixes it', () => {
    expect(toolCheck('make', 'builds', 'make', '/usr/bin/make')).toEqual({ name: 'make', status: 'ok', detail: '/usr/bin/make', fix: null });
    expect(toolCheck('gawk', 'OSv build', 'gawk', null, 'warn')).toEqual({ name: 'gawk', status: 'warn', detail: 'missing (OSv build)', fix: 'apt-get install --no-install-recommends gawk' });
    expect(toolCheck('make', 'builds', 'make', null).status).toBe('fail');
  });
});
