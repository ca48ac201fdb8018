import type { Layout } from '../lib/home.js';
import type { Accel } from './boot-spec.js';
import { probeKvm } from './kvm-probe.js';

export type AccelChoice = 'auto' | Accel;

/** auto: KVM when the (cached) probe says it really works, else TCG with the reason. An explicit choice is obeyed. */
export async function resolveAccel(l: Layout, choice: AccelChoice): Promise<{ accel: Accel; note: string | null }> {
  if (choice !== 'auto') return { accel: choice, note: null };
  const verdict = await probeKvm(l);
  return verdict.usable ? { accel: 'kvm', note: null } : { accel: 'tcg', note: `using TCG: KVM is not usable here — ${verdict.reason} (details: unik doctor)` };
}
