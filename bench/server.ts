import type { ImageRecord } from '../images/record.js';
import { checkHostPorts } from '../run/host-ports.js';
import type { ServerRun } from './containers/runtime.js';

/**
 * Pure: how a server is benched: an image that publishes a TCP port is timed to the first HTTP 2xx on the
 * first one (127.0.0.1, path /), the unikernel and every container twin alike on the same host ports, each
 * stopped once it answers. Null for an app that is timed to its exit.
 */
export function serverRun(image: Pick<ImageRecord, 'run'>): ServerRun | null {
  const ports = image.run.devices.net?.ports ?? [];
  const http = ports.find((p) => p.protocol === 'tcp');
  return http ? { ports, url: `http://127.0.0.1:${http.host}/` } : null;
}

/**
 * Wait (untimed, before a run) until the server's ports are free again: the previous runtime's port forwarder
 * (podman's slirp4netns, QEMU) can outlive the process the bench stopped by a moment. After `ms`, the port's
 * own error.
 */
export async function portsFreed(server: ServerRun, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await checkHostPorts(server.ports);
    } catch (e) {
      if (Date.now() > deadline) throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

/** Why an app with a ready marker and no published port still cannot be benched when it does not exit. */
export const NO_PORT_HINT =
  'an app that does not exit (a server) is benched to its first HTTP 200: publish its port in unik.yaml (devices.net.ports)';
