import type { Check } from '../lib/check.js';
import { toolCheck } from '../lib/check.js';
import type { Layout } from '../lib/home.js';
import { which } from '../lib/which.js';
import { machineChecks } from '../machine/host-checks.js';
import { PLATFORMS, type TargetName } from '../manifest/manifest.js';
import { targetFor } from './registry.js';

/** `unik doctor`: what every build needs, the machine (QEMU, KVM, RDSEED), then each target's own lines. */
export async function hostChecks(l: Layout): Promise<Check[]> {
  const major = Number(process.versions.node.split('.')[0]);
  const checks: Check[] = [
    { name: 'node', status: major >= 20 ? 'ok' : 'fail', detail: `v${process.versions.node}`, fix: major >= 20 ? null : 'install Node.js 20 or newer' },
    toolCheck('git', 'framework sources', 'git', which('git')),
    toolCheck('gcc', 'compiles the probe guest and container twins', 'build-essential', which('gcc')),
    toolCheck('ld', 'links the probe guest', 'binutils', which('ld')),
    ...(await machineChecks(l)),
  ];
  for (const name of Object.keys(PLATFORMS) as TargetName[]) checks.push(...(await (await targetFor(name)).checks(l)));
  return checks;
}
