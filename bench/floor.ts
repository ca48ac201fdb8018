import { statSync } from 'node:fs';
import type { Layout } from '../lib/home.js';
import { probeGuest } from '../machine/probe-guest.js';
import { floorRun, type FloorShape } from '../machine/vmm-floor.js';
import { FLOOR_ROW, type Contender } from './types.js';

/**
 * The VMM floor as a contender, timed in the same interleaved rounds as the unikernel: QEMU with the unikernel's
 * machine type, accelerator and memory, booting a 5 KB guest that prints one line and exits at once.
 */
export async function floorContender(l: Layout, shape: FloorShape): Promise<Contender> {
  return {
    name: FLOOR_ROW,
    kind: 'floor',
    imageBytes: statSync(await probeGuest(l)).size,
    notes: [`${FLOOR_ROW}: QEMU -M ${shape.machine} -accel ${shape.accel}${shape.noApic ? ' -cpu …,-apic' : ''}${shape.noPciHotplug ? ' without PCI hotplug' : ''}${shape.noAcpi ? ' -machine acpi=off' : ''} -m ${shape.memoryMiB}M booting unik's probe guest, which prints one line and exits at once: what the VMM costs before any kernel work`],
    async runOnce() {
      const m = await floorRun(l, shape);
      return { firstOutputMs: m.bootMs!, exitMs: m.exitMs, output: '', peakMemoryKiB: m.peakRssKiB };
    },
  };
}
