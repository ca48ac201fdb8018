import { readFileSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import type { Accel, BootSpec } from '../machine/boot-spec.js';
import { runVm } from '../machine/vm-process.js';

/** What create decided for the boot, handed to the monitor in <root>/<id>/boot.json. */
export interface BootPlan {
  spec: BootSpec;
  accel: Accel;
  reaper: string | null;
}

export const BOOT_FILE = 'boot.json';
/** The signal start sends: the monitor boots on it (runc's exec.fifo, as a signal to a known, checked pid). */
export const START_SIGNAL = 'SIGUSR1';
/** fd 3 of the monitor: one line "ready" once it runs inside its namespaces and waits for start. */
export const READY_FD = 3;

/**
 * The container's process. It waits for start, then boots the guest as `unik run` does (the reaper around the
 * VMM, so a SIGKILL of this process takes the VMM along), streams the console to its stdout (the engine's log),
 * and exits with the guest's exit code, or by the signal that stopped it, as a container's process would.
 */
export async function monitor(dir: string): Promise<never> {
  const plan = JSON.parse(readFileSync(join(dir, BOOT_FILE), 'utf8')) as BootPlan;
  await new Promise<void>((resolve) => {
    // A signal listener alone keeps no event loop alive.
    const wait = setInterval(() => {}, 1 << 30);
    process.once(START_SIGNAL, () => {
      clearInterval(wait);
      resolve();
    });
    writeSync(READY_FD, 'ready\n');
    closeSync(READY_FD);
  });
  const m = await runVm(plan.spec, {
    accel: plan.accel,
    reaper: plan.reaper,
    onOutput: (c) => process.stdout.write(c),
  }).catch((e: Error) => {
    process.stderr.write(`unik-runtime: cannot start the VMM: ${e.message}\n`);
    process.exit(1);
  });
  if (m.exitCode !== 0 && m.stderrTail) process.stderr.write(`${m.stderrTail}\n`);
  if (m.interrupted) {
    // End as the signal would have ended us: the engine reports 128+n (143 for a stop), as for any container.
    process.kill(process.pid, m.interrupted as NodeJS.Signals);
  }
  await new Promise<void>((r) => process.stdout.write('', () => r()));
  process.exit(m.exitCode);
}
