import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Layout } from '../lib/home.js';
import type { Accel } from './boot-spec.js';
import { probeKvm } from './kvm-probe.js';

export type AccelChoice = 'auto' | Accel;

/** Marks (in UNIK_HOME/probes) that the why-TCG note was shown: once is enough, `unik doctor` keeps the details. */
const TCG_NOTE_SHOWN = 'tcg-note-shown';

/**
 * auto: KVM when the (cached) probe says it really works, else TCG with the reason, said on the first run only
 * (every summary line still names tcg). An explicit choice is obeyed.
 */
export async function resolveAccel(l: Layout, choice: AccelChoice): Promise<{ accel: Accel; note: string | null }> {
  if (choice !== 'auto') return { accel: choice, note: null };
  const verdict = await probeKvm(l);
  if (verdict.usable) return { accel: 'kvm', note: null };
  const shown = join(l.probes, TCG_NOTE_SHOWN);
  if (existsSync(shown)) return { accel: 'tcg', note: null };
  await fsp.mkdir(l.probes, { recursive: true });
  await fsp.writeFile(shown, `${verdict.reason}\n`);
  return { accel: 'tcg', note: `using TCG: KVM is not usable here — ${verdict.reason} (said once; details: unik doctor)` };
}
