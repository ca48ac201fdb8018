import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import { childProcess } from '../lib/child-process.js';
import type { Layout } from '../lib/home.js';
import { hostHelper } from './host-helper.js';

/** The QEMU fw_cfg file unik's kernel patches read the host's TSC frequency (decimal kHz) from. */
export const TSC_KHZ_FW_CFG = 'opt/unik/tsc_khz';

/** Pure: the fw_cfg entries that hand a kernel the host's TSC frequency (none when it is unknown). */
export const tscFwCfg = (khz: number | null): Record<string, string> => (khz ? { [TSC_KHZ_FW_CFG]: String(khz) } : {});

interface Cached {
  khz: number | null;
  bootId: string;
  measuredAt: string;
}

const bootId = (): string => {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return 'unknown';
  }
};

/**
 * This host's TSC frequency in kHz, measured by machine/host/tsc-khz.c against CLOCK_MONOTONIC (200 ms, once per
 * host boot, cached in probes/host-tsc.json); null when the TSC is not invariant or the meter cannot be built.
 * Under TCG a guest's TSC is the host's, so a kernel given this needs no calibration loop.
 */
export async function hostTscKhz(l: Layout, opts: { fresh?: boolean } = {}): Promise<number | null> {
  const cachePath = join(l.probes, 'host-tsc.json');
  const boot = bootId();
  if (!opts.fresh && existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as Cached;
    if (cached.bootId === boot) return cached.khz;
  }
  const meter = await hostHelper(l, 'tsc-khz');
  if (!meter) return null;
  const out = await new Promise<string>((resolve) => childProcess().execFile(meter, { timeout: 5000 }, (err, stdout) => resolve(err ? '' : stdout)));
  const khz = /^\d+\n$/.test(out) && Number(out) > 0 ? Number(out) : null;
  await writeJsonAtomic(cachePath, { khz, bootId: boot, measuredAt: new Date().toISOString() } satisfies Cached);
  return khz;
}
