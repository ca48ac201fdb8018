import { describe, expect, it } from 'vitest';
import { probeSpec, PROBE_EXIT_PORT } from '../../machine/probe-spec.js';
import { qemuArgv } from '../../machine/qemu-argv.js';

describe('probeSpec', () => {
  it('boots the probe guest through qemuArgv like any guest: microvm, its debug-exit port, 8 MiB, no devices', () => {
    const argv = qemuArgv(probeSpec('/probes/g.elf'), 'kvm');
    expect(argv.slice(0, 6)).toEqual(['-M', 'microvm', '-accel', 'kvm', '-cpu', 'host']);
    expect(argv).toContain(`isa-debug-exit,iobase=0x${PROBE_EXIT_PORT.toString(16)},iosize=0x4`);
    expect(argv.slice(argv.indexOf('-kernel'), argv.indexOf('-kernel') + 4)).toEqual(['-kernel', '/probes/g.elf', '-append', 'exit=0']);
    expect(argv[argv.indexOf('-m') + 1]).toBe('8M');
    expect(argv.join(' ')).not.toMatch(/netdev|drive|fsdev/);
  });

  it('the RDSEED check asks TCG with -cpu max', () => {
    expect(qemuArgv(probeSpec('/g'), 'tcg').slice(2, 6)).toEqual(['-accel', 'tcg', '-cpu', 'max']);
  });
});
