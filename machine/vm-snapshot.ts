import { openQmp } from './qmp.js';

/**
 * A run that saves its guest once ready, or continues a saved one. Guest RAM is a file QEMU maps, not part of the
 * migration stream (the `x-ignore-shared` capability skips shared RAM): streamed, QEMU 7.2 loads every page of it
 * and checks each zero page, faulting it in (65,536 faults for 256 MiB). The save maps a RAM file shared and
 * copies it (sparse) while the guest is stopped; a restore maps the stored copy privately, so each restored guest
 * reads the saved pages from the page cache, shared with its siblings, and writes its own copies.
 * A restore reads the rest of the state from an inherited descriptor (`migrate-incoming fd:4`). QEMU 7.2 takes an
 * outgoing `fd:` only as a descriptor passed over the monitor socket (SCM_RIGHTS, which node cannot send) and has
 * no `file:` URI yet, so a save goes through `exec:cat`, whose shell sees only a path checked to hold no shell
 * metacharacters (SAFE_PATH).
 */
export type VmSnapshot =
  /** file: where QEMU writes the state; ram: the guest RAM file it maps shared; keepRam: copies it, guest stopped. */
  | { mode: 'save'; file: string; qmpSocket: string; ram: string; keepRam: () => Promise<void> }
  /** fd: the verified state file, open for reading; ram: the verified RAM file, mapped privately. */
  | { mode: 'restore'; fd: number; qmpSocket: string; ram: string };

/** Paths `exec:` may name: UNIK_HOME is held to these characters already (lib/home.ts). */
const SAFE_PATH = /^\/[A-Za-z0-9._/+-]+$/;

/** The descriptor number QEMU finds the state file on (0-2 are stdio, 3 the reaper's report). */
export const STATE_FD = 4;

/** Pure: what a snapshot run adds to QEMU's argv: the RAM file as guest memory, and for a restore, a deferred incoming migration. */
export const snapshotArgv = (s: Pick<VmSnapshot, 'mode' | 'qmpSocket' | 'ram'>, memoryMiB: number): string[] => [
  '-qmp', `unix:${s.qmpSocket.replace(/,/g, ',,')},server=on,wait=off`,
  '-object', `memory-backend-file,id=unik-ram,size=${memoryMiB}M,mem-path=${s.ram.replace(/,/g, ',,')},share=${s.mode === 'save' ? 'on' : 'off'}`,
  '-machine', 'memory-backend=unik-ram',
  ...(s.mode === 'restore' ? ['-incoming', 'defer'] : []),
];

/** Guest RAM stays out of the stream: it is the file (set on both sides, or the stream's RAM header does not parse). */
const IGNORE_SHARED = { capabilities: [{ capability: 'x-ignore-shared', state: true }] };

/** How long one save may take: a few MB of non-zero guest pages, written locally. */
const SAVE_TIMEOUT_MS = 60_000;

/**
 * Stop the guest, write its whole state (devices, CPU, non-zero RAM) to the state descriptor, and let it go on.
 * Resolves with the bytes QEMU reports written; throws with QEMU's reason when it refuses (a mounted 9p share).
 */
export async function saveVmState(socket: string, file: string, keepRam: () => Promise<void>, gone: () => boolean): Promise<{ bytes: number }> {
  if (!SAFE_PATH.test(file)) throw new Error(`cannot save to ${JSON.stringify(file)}: a path of letters, digits and ._/+- only`);
  const qmp = await openQmp(socket, gone);
  try {
    await qmp.execute('migrate-set-capabilities', IGNORE_SHARED);
    await qmp.execute('stop');
    // Saving to a file: no bandwidth limit, no downtime limit (the guest is stopped anyway).
    await qmp.execute('migrate-set-parameters', { 'max-bandwidth': 8 * 2 ** 30 });
    await qmp.execute('migrate', { uri: `exec:cat > ${file}` });
    const deadline = Date.now() + SAVE_TIMEOUT_MS;
    for (;;) {
      const s = (await qmp.execute('query-migrate')) as { status?: string; 'error-desc'?: string; ram?: { transferred?: number } };
      if (s.status === 'completed') {
        await keepRam();
        await qmp.execute('cont');
        return { bytes: s.ram?.transferred ?? 0 };
      }
      if (s.status === 'failed' || s.status === 'cancelled' || Date.now() > deadline) {
        await qmp.execute('cont').catch(() => {});
        throw new Error(s['error-desc'] ?? `migration ${s.status ?? 'did not finish'}`);
      }
      await new Promise((r) => setTimeout(r, 2));
    }
  } catch (e) {
    // The guest must not stay stopped because its state could not be written.
    await qmp.execute('cont').catch(() => {});
    throw e;
  } finally {
    qmp.close();
  }
}

/**
 * Resolves once a restoring QEMU has loaded the state and runs the guest again. The state was saved from a
 * stopped guest, so QEMU leaves it paused after loading: `cont` starts it.
 */
export async function resumeRestored(socket: string, gone: () => boolean): Promise<void> {
  const qmp = await openQmp(socket, gone);
  try {
    await qmp.execute('migrate-set-capabilities', IGNORE_SHARED);
    await qmp.execute('migrate-incoming', { uri: `fd:${STATE_FD}` });
    for (;;) {
      const st = (await qmp.execute('query-status')) as { status?: string; running?: boolean };
      if (st.running) return;
      if (st.status !== 'inmigrate') {
        await qmp.execute('cont');
        return;
      }
      await new Promise((r) => setTimeout(r, 1));
    }
  } finally {
    qmp.close();
  }
}
