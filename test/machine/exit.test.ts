import { describe, expect, it } from 'vitest';
import type { QemuBootSpec } from '../../machine/boot-spec.js';
import { interpretExit } from '../../machine/exit.js';

const spec = (): QemuBootSpec => ({
  kind: 'qemu',
  kernel: '/img/k',
  append: '',
  memoryMiB: 16,
  machine: { type: 'microvm', debugExit: { iobase: 0x501, iosize: 2 } },
  devices: { console: true, net: null, block: [], share: [] },
  disks: [],
  exit: { statuses: { '83': { code: 0, how: 'halted' } }, debugExitDecodes: true },
});

describe('interpretExit', () => {
  it('maps known statuses, decodes isa-debug-exit codes, and reports signals', () => {
    const s = spec();
    expect(interpretExit(s, 83, null)).toEqual({ code: 0, how: 'halted' });
    expect(interpretExit(s, 7, null)).toEqual({ code: 3, how: 'guest exit code 3' });
    expect(interpretExit(s, 2, null)).toEqual({ code: 1, how: 'qemu exited with status 2' });
    expect(interpretExit(s, null, 'SIGKILL')).toEqual({ code: 1, how: 'killed by SIGKILL' });
  });
});
