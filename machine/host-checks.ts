import { execa } from 'execa';
import { existsSync } from 'node:fs';
import type { Check } from '../lib/check.js';
import type { Layout } from '../lib/home.js';
import { probeKvm } from './kvm-probe.js';
import { probeGuest } from './probe-guest.js';
import { probeSpec } from './probe-spec.js';
import { qemuArgv } from './qemu-argv.js';
import { QEMU, qemuVersion } from './qemu-binary.js';

/** `unik doctor`'s machine lines: QEMU itself, whether KVM really runs a guest, and RDSEED under TCG. */
export async function machineChecks(l: Layout): Promise<Check[]> {
  let version: string;
  try {
    version = await qemuVersion();
  } catch {
    return [{ name: 'qemu', status: 'fail', detail: `${QEMU} not found`, fix: 'apt-get install --no-install-recommends qemu-system-x86 qemu-utils' }];
  }
  const kvm = await probeKvm(l, { fresh: true });
  return [
    { name: 'qemu', status: 'ok', detail: `${QEMU} ${version}`, fix: null },
    {
      name: 'kvm',
      status: kvm.usable ? 'ok' : 'warn',
      detail: kvm.usable ? 'usable (probe guest booted under KVM)' : `not usable: ${kvm.reason}; unik runs guests under TCG (software emulation)`,
      fix: kvm.usable ? null : existsSync('/dev/kvm') ? 'use a host with working hardware virtualisation for KVM speed; TCG works meanwhile' : 'load the kvm module (modprobe kvm_intel / kvm_amd) or enable nested virtualisation',
    },
    await rdseedCheck(l),
  ];
}

/** QEMU's TCG lacks RDSEED; Unikraft >= 0.17 with ukrandom aborts at boot without it. Ask the CPU, not a table. */
async function rdseedCheck(l: Layout): Promise<Check> {
  const res = await execa(QEMU, qemuArgv(probeSpec(await probeGuest(l)), 'tcg'), { all: true, reject: false, timeout: 5000, stdin: 'ignore' });
  const has = /rdseed=1/.test(res.all ?? '');
  return {
    name: 'rdseed (tcg)',
    status: has ? 'ok' : 'warn',
    detail: has ? 'present under TCG -cpu max' : 'missing under TCG -cpu max: kernels that need a hardware seed (Unikraft >= 0.17 ukrandom) abort at boot',
    fix: has ? null : 'keep the pinned Unikraft 0.16.3 (software RNG); unik leaves ukrandom out of console-only kernels',
  };
}
