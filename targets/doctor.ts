import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../lib/home.js';
import { which } from '../lib/which.js';
import { probeGuest, PROBE_EXIT_PORT } from '../machine/probe-guest.js';
import { probeKvm } from '../machine/kvm-probe.js';
import { QEMU, qemuVersion } from '../machine/qemu-binary.js';
import { KNOWN_SOURCES, type SourceName } from '../sources/known-sources.js';
import { inspectCheckout, readLock } from '../sources/cache.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What the user can do about a warn/fail. */
  fix: string | null;
}

const TOOLS: { bin: string; why: string; pkg: string }[] = [
  { bin: 'make', why: 'drives Unikraft builds', pkg: 'make' },
  { bin: 'gcc', why: 'compiles kernels and the probe guest', pkg: 'build-essential' },
  { bin: 'ld', why: 'links kernels', pkg: 'binutils' },
  { bin: 'flex', why: 'Unikraft Kconfig', pkg: 'flex' },
  { bin: 'bison', why: 'Unikraft Kconfig', pkg: 'bison' },
  { bin: 'git', why: 'framework sources', pkg: 'git' },
  { bin: 'unzip', why: 'unpacks library archives (lwIP)', pkg: 'unzip' },
  { bin: 'g++', why: 'compiles the OSv kernel', pkg: 'build-essential' },
  { bin: 'python3', why: 'OSv build scripts and rofs images', pkg: 'python3' },
  { bin: 'gawk', why: 'OSv build', pkg: 'gawk' },
];


export async function hostChecks(l: Layout): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push({ name: 'node', status: major >= 20 ? 'ok' : 'fail', detail: `v${process.versions.node}`, fix: major >= 20 ? null : 'install Node.js 20 or newer' });

  let qemuOk = false;
  try {
    checks.push({ name: 'qemu', status: 'ok', detail: `${QEMU} ${await qemuVersion()}`, fix: null });
    qemuOk = true;
  } catch {
    checks.push({ name: 'qemu', status: 'fail', detail: `${QEMU} not found`, fix: 'apt-get install qemu-system-x86 qemu-utils' });
  }

  for (const t of TOOLS) {
    const path = which(t.bin);
    checks.push({ name: t.bin, status: path ? 'ok' : 'fail', detail: path ?? `missing (${t.why})`, fix: path ? null : `apt-get install ${t.pkg}` });
  }

  if (qemuOk) {
    const kvm = await probeKvm(l, { fresh: true });
    checks.push({
      name: 'kvm',
      status: kvm.usable ? 'ok' : 'warn',
      detail: kvm.usable ? 'usable (probe guest booted under KVM)' : `not usable: ${kvm.reason}; unik runs guests under TCG (software emulation)`,
      fix: kvm.usable ? null : existsSync('/dev/kvm') ? 'use a host with working hardware virtualisation for KVM speed; TCG works meanwhile' : 'load the kvm module (modprobe kvm_intel / kvm_amd) or enable nested virtualisation',
    });
    checks.push(await rdseedCheck(l));
  }

  checks.push(...(await (await import('./mirage/checks.js')).mirageChecks(l)));

  const lock = readLock(l);
  for (const name of Object.keys(KNOWN_SOURCES) as SourceName[]) {
    const known = KNOWN_SOURCES[name];
    const entry = lock.sources[name];
    if (!entry || !existsSync(entry.path)) {
      checks.push({
        name: `source ${name}`,
        status: name === 'unikraft' ? 'fail' : 'warn',
        detail: `missing (${known.description})`,
        fix: `unik sources add ${name} <git-url-or-local-checkout>   (default ${known.url} at ${known.ref})`,
      });
      continue;
    }
    const noSub = ('submodules' in known ? known.submodules : []).filter((p) => !existsSync(join(entry.path, p, '.git')));
    if (noSub.length) {
      checks.push({
        name: `source ${name}`,
        status: 'warn',
        detail: `submodules missing in ${entry.path}: ${noSub.join(', ')}`,
        fix: `unik sources add ${name} <git-url-or-local-checkout-with-submodules>`,
      });
      continue;
    }
    const live = await inspectCheckout(name, entry.path, entry.ref);
    const pinned = entry.ref === known.ref;
    checks.push({
      name: `source ${name}`,
      status: pinned && !live.dirty ? 'ok' : 'warn',
      detail: `${entry.ref} at ${live.commit.slice(0, 12)}${live.dirty ? ' (modified)' : ''} in ${entry.path}`,
      fix: pinned ? (live.dirty ? `git -C ${entry.path} stash  (builds from a modified tree are never cached)` : null) : `unik sources add ${name} ${entry.origin} --ref ${known.ref}  (the pinned, tested version)`,
    });
  }
  return checks;
}

/** QEMU's TCG lacks RDSEED; Unikraft >= 0.17 with ukrandom aborts at boot without it. Ask the CPU, not a table. */
async function rdseedCheck(l: Layout): Promise<Check> {
  const guest = await probeGuest(l);
  const res = await execa(
    QEMU,
    ['-M', 'microvm', '-accel', 'tcg', '-cpu', 'max', '-nodefaults', '-display', 'none', '-serial', 'stdio', '-no-reboot', '-m', '8',
      '-device', `isa-debug-exit,iobase=0x${PROBE_EXIT_PORT.toString(16)},iosize=4`, '-kernel', guest, '-append', 'exit=0'],
    { all: true, reject: false, timeout: 5000, stdin: 'ignore' },
  );
  const has = /rdseed=1/.test(res.all ?? '');
  return {
    name: 'rdseed (tcg)',
    status: has ? 'ok' : 'warn',
    detail: has ? 'present under TCG -cpu max' : 'missing under TCG -cpu max: kernels that need a hardware seed (Unikraft >= 0.17 ukrandom) abort at boot',
    fix: has ? null : 'keep the pinned Unikraft 0.16.3 (software RNG); unik leaves ukrandom out of console-only kernels',
  };
}
