import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Accel, BootSpec } from '../machine/boot-spec.js';

/** What create decided for the boot, handed to the monitor in <root>/<id>/boot.json. */
export interface BootPlan {
  spec: BootSpec;
  accel: Accel;
  reaper: string | null;
}

export const BOOT_FILE = 'boot.json';
/**
 * Pure: the VMM's QMP socket, for a guest whose power button stop presses. Not in the container's directory: a
 * Unix socket path holds 107 bytes, and docker's root and 64-hex ids make that path longer.
 */
export const qmpSocket = (root: string, id: string): string => join(root, '.qmp', `${createHash('sha256').update(id).digest('hex').slice(0, 16)}.sock`);
/** The signal start sends: the monitor boots on it (runc's exec.fifo, as a signal to a known, checked pid). */
export const START_SIGNAL = 'SIGUSR1';
/** fd 3 of the monitor: one line "ready" once it runs inside its namespaces and waits for start. */
export const READY_FD = 3;
