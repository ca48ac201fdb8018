import { failure } from '../lib/errors.js';
import type { ImageRecord } from '../images/record.js';
import { totalBytes } from '../images/store.js';
import { runImage } from '../run/foreground.js';
import type { ServerRun } from './containers/runtime.js';
import { NO_PORT_HINT } from './server.js';
import type { Contender } from './types.js';

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
