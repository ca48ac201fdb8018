import { constants, existsSync, readFileSync, promises as fsp } from 'node:fs';
import { release } from 'node:os';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import type { Layout } from '../lib/home.js';
import type * as Guest from './probe-guest.js';
import { probeSpec } from './probe-spec.js';
import { qemuArgv } from './qemu-argv.js';
import { QEMU, qemuBinaryStamp } from './qemu-binary.js';

export interface KvmVerdict {
  usable: boolean;
  /** Why not, in words a user can act on; null when usable. */
  reason: string | null;
  /** The QEMU binary's path, size and mtime: a changed QEMU is probed again (stat is cheap, --version is not). */
  qemuBinary: string;
  kernelRelease: string;
  checkedAt: string;
}

const PROBE_TIMEOUT_MS = 3000;

/**
 * Whether QEMU can really run a guest under KVM here. /dev/kvm existing proves nothing: a paravirtual nested
 * KVM (PVM) opens fine and then dies on the first SSE instruction. So boot the probe guest and see.
 * The verdict is cached per QEMU version and host kernel release.
 */
export async function probeKvm(l: Layout, opts: { fresh?: boolean } = {}): Promise<KvmVerdict> {
  const qemuBinary = qemuBinaryStamp();
  const kernelRelease = release();
  const cachePath = join(l.probes, 'kvm.json');
  if (!opts.fresh && existsSync(cachePath)) {
    const cached = JSON.parse(readFileSync(cachePath, 'utf8')) as KvmVerdict;
    if (cached.qemuBinary === qemuBinary && cached.kernelRelease === kernelRelease) return cached;
  }
  const verdict: KvmVerdict = { ...(await bootProbe(l)), qemuBinary, kernelRelease, checkedAt: new Date().toISOString() };
  await writeJsonAtomic(cachePath, verdict);
  return verdict;
}

async function bootProbe(l: Layout): Promise<{ usable: boolean; reason: string | null }> {
  if (!existsSync('/dev/kvm')) return { usable: false, reason: 'no /dev/kvm (KVM module not loaded, or not exposed to this machine)' };
  try {
    await fsp.access('/dev/kvm', constants.R_OK | constants.W_OK);
  } catch {
    return { usable: false, reason: '/dev/kvm is not readable and writable by this user (add it to the kvm group)' };
  }
  const { probeGuest }: typeof Guest = await import('./probe-guest.js');
  const guest = await probeGuest(l);
  const { execa } = await import('execa');
  const res = await execa(QEMU, qemuArgv(probeSpec(guest), 'kvm'), {
    all: true, reject: false, timeout: PROBE_TIMEOUT_MS, stdin: 'ignore', forceKillAfterDelay: 500,
  });
  const out = res.all ?? '';
  if (res.exitCode === 1 && out.includes('unik-probe: up')) return { usable: true, reason: null };
  // With -cpu host (as every KVM run uses) PVM already fails setting the guest's MSRs; without it, at the first SSE instruction.
  const pvm = /KVM internal error/.test(out) ? 'KVM internal error (emulation failure) in the probe guest' : /kvm_buf_set_msrs/.test(out) ? 'QEMU could not set the guest CPU\'s MSRs (kvm_buf_set_msrs)' : null;
  if (pvm) return { usable: false, reason: `${pvm}: /dev/kvm is a nested or paravirtual KVM (e.g. PVM) that cannot run unmodified guests` };
  if (res.timedOut) return { usable: false, reason: `the probe guest did not finish within ${PROBE_TIMEOUT_MS / 1000} s under KVM` };
  return { usable: false, reason: `QEMU could not run the probe guest under KVM: ${out.trim().split('\n').at(-1) ?? `exit ${res.exitCode}`}` };
}
