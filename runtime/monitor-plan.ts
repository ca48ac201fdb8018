import type { Accel, BootSpec } from '../machine/boot-spec.js';

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
