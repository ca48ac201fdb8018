import { closeSync, existsSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { runVm } from '../machine/vm-process.js';
import { BOOT_FILE, READY_FD, START_SIGNAL, type BootPlan } from './monitor-plan.js';
import { RECORD_FILE } from './state.js';

const WATCH_MS = 250;
/** How long a monitor waits for create to write the container's record before it takes create for dead. */
const ORPHAN_MS = 10_000;

/**
 * The container's process. It waits for start, then boots the guest as `unik run` does (the reaper around the
 * VMM, so a SIGKILL of this process takes the VMM along), streams the console to its stdout (the engine's log),
 * and exits with the guest's exit code, or by the signal that stopped it, as a container's process would.
 */
export async function monitor(dir: string): Promise<never> {
  await new Promise<void>((resolve) => {
    // Until start: a create that died before writing the container's record (or a delete) leaves nothing waiting.
    const readyAt = Date.now();
    const wait = setInterval(() => {
      if (!existsSync(join(dir, RECORD_FILE)) && Date.now() - readyAt > ORPHAN_MS) process.exit(1);
    }, WATCH_MS);
    process.once(START_SIGNAL, () => {
      clearInterval(wait);
      resolve();
    });
    writeSync(READY_FD, 'ready\n');
    closeSync(READY_FD);
  });
  // create writes the boot's plan after this process is in the container's netns (it reads the netns's links).
  const plan = JSON.parse(readFileSync(join(dir, BOOT_FILE), 'utf8')) as BootPlan;
  // From start on, the parent is the engine's monitor (conmon, containerd's shim: subreapers). If it dies, the
  // guest is stopped as a `kill` would stop it: no VMM outlives the process that waits for it.
  const parent = process.ppid;
  setInterval(() => {
    // SIGHUP stops the VMM outright (SIGTERM would press a guest's power button, which it may ignore).
    if (process.ppid !== parent) process.kill(process.pid, 'SIGHUP');
  }, WATCH_MS).unref();
  const m = await runVm(plan.spec, {
    accel: plan.accel,
    reaper: plan.reaper,
    // The container's stdin (podman/docker run -i, ctr run's stdin; /dev/null otherwise) is the serial console's
    // input, as for `unik run -i`. A Solo5 tender's console only writes.
    interactive: plan.spec.kind === 'qemu',
    // stop's SIGTERM shuts down a guest with a power button (OSv): its own exit status stands, as a container's would.
    powerdown: true,
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
