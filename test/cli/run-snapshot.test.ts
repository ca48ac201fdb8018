import { describe, expect, it } from 'vitest';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

describe('unik run --snapshot: refusals before anything is built or booted', () => {
  it('with --detach: one line naming the flag, exit 2', async () => {
    const res = await unik(['run', 'no-such-image', '--snapshot', '--detach'], { UNIK_HOME: tmpTree() });
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe('unik: --snapshot: expected a foreground run, found it with --detach (detached runs cannot take or continue snapshots yet)');
  });
});
