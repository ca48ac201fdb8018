import type { BootSpec } from './boot-spec.js';

/** VMM exit status (and, where the status cannot carry it, the console's tail) → guest exit code and how it ended. */
export function interpretExit(spec: BootSpec, status: number | null, signal: string | null, consoleTail = '') {
  if (status === null) return { code: 1, how: `killed by ${signal ?? 'a signal'}` };
  const fromConsole = spec.exit.consoleCode;
  if (fromConsole?.statuses.includes(status)) {
    const last = [...consoleTail.matchAll(new RegExp(fromConsole.pattern, 'gm'))].at(-1);
    const own = spec.exit.statuses[String(status)];
    if (!last && fromConsole.silentMeansStatus && own) return own;
    if (!last) return { code: 1, how: `stopped without reporting an exit status (status ${status})` };
    // The app's own status (e.g. main()'s return value): a shell would see it modulo 256.
    const code = ((Number(last[1]) % 256) + 256) % 256;
    return { code, how: code === 0 ? 'exited' : `guest exit code ${code}` };
  }
  const known = spec.exit.statuses[String(status)];
  if (known) return known;
  if (spec.exit.debugExitDecodes && spec.kind === 'qemu' && spec.machine.debugExit && status % 2 === 1) {
    return { code: (status - 1) / 2, how: `guest exit code ${(status - 1) / 2}` };
  }
  if (spec.exit.passthrough) return { code: status, how: status === 0 ? 'exited' : `guest exit code ${status}` };
  return { code: 1, how: `qemu exited with status ${status}` };
}
