import { failure } from '../lib/errors.js';
import type { ImageRecord } from '../images/record.js';
import { totalBytes } from '../images/store.js';
import { runImage } from '../run/foreground.js';
import type { ServerRun } from './containers/runtime.js';
import { NO_PORT_HINT } from './server.js';
import { RESTORED_ROW, type Contender } from './types.js';

/**
 * The unikernel as one contender: each run boots the image under QEMU once, exactly as `unik run` does; a
 * server (see serverRun) is stopped at its first HTTP 2xx, as `unik run --ready-http URL --stop-when-ready`.
 */
export function unikernelContender(image: ImageRecord, timeoutMs: number, server: ServerRun | null = null): Contender {
  const notes: string[] = [];
  let accelNote: string | null = null;
  return {
    name: 'unikernel',
    kind: 'unikernel',
    imageBytes: totalBytes(image),
    notes,
    async runOnce() {
      const r = await runImage(image, { accel: 'auto', timeoutMs, onAccelNote: (n) => (accelNote = n), ...(server ? { readyHttp: server.url, stopWhenReady: true } : {}) });
      if (!notes.length) {
        notes.push(
          [
            r.accel === 'none' ? `unikernel: ${r.machine} tender (no VMM)` : `unikernel: QEMU -M ${r.machine} -accel ${r.accel}`,
            accelNote,
            'first output = first console byte',
            `peak memory = the ${r.accel === 'none' ? 'tender' : 'QEMU'} process's peak RSS (wait4)`,
            server ? `a server: timed to the first HTTP 2xx from ${server.url}, then stopped` : null,
          ].filter(Boolean).join('; '),
        );
      }
      if (r.exitCode !== 0 || r.timedOut || r.interrupted) {
        const hint = r.timedOut && !server && image.run.ready ? ` (${NO_PORT_HINT})` : '';
        throw failure(`the unikernel ${r.how}${hint}`, [r.output.trimEnd().split('\n').slice(-10).join('\n'), r.stderrTail].filter(Boolean).join('\n') || undefined);
      }
      if (r.bootMs === null) throw failure('the unikernel printed nothing on its console', r.stderrTail || undefined);
      return { firstOutputMs: r.bootMs, exitMs: r.exitMs, output: r.output, peakMemoryKiB: r.peakRssKiB, ...(server && r.readyMs !== null ? { readyMs: r.readyMs } : {}) };
    },
  };
}

/**
 * The unikernel continued from its snapshot taken once ready (`unik run --snapshot`): the snapshot is saved by one
 * run here, so every timed run restores. First output is the guest running again when it prints nothing after ready.
 */
export async function restoredContender(image: ImageRecord, timeoutMs: number): Promise<Contender> {
  const saved = await runImage(image, { accel: 'auto', timeoutMs, snapshot: true });
  if (!saved.snapshot || !['saved', 'restored'].includes(saved.snapshot.action)) {
    throw failure(`--snapshot: no snapshot of ${image.name}: ${saved.snapshot?.why ?? saved.how}`);
  }
  return {
    name: RESTORED_ROW,
    kind: 'unikernel',
    imageBytes: totalBytes(image) + (saved.snapshot.sizeBytes ?? 0),
    notes: [`${RESTORED_ROW}: unik run --snapshot, QEMU -incoming from the ${((saved.snapshot.sizeBytes ?? 0) / 1024).toFixed(0)} KiB state saved once the guest was ready; first output = first console byte after the restore, or the guest running again when it prints none`],
    async runOnce() {
      const r = await runImage(image, { accel: 'auto', timeoutMs, snapshot: true });
      if (r.snapshot?.action !== 'restored') throw failure(`the snapshot of ${image.name} was not restored: ${r.snapshot?.why ?? r.how}`);
      if (r.exitCode !== 0 || r.timedOut || r.interrupted) throw failure(`the restored unikernel ${r.how}`, r.stderrTail || undefined);
      return { firstOutputMs: r.bootMs ?? r.snapshot.ms!, exitMs: r.exitMs, output: r.output, peakMemoryKiB: r.peakRssKiB };
    },
  };
}
