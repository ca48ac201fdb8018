import { failure } from '../lib/errors.js';
import type { PortMapping } from '../manifest/manifest.js';

/** Try to bind one published port on loopback, as QEMU's or the tender's forwarding will: the errno, or null when free. */
async function bindError(p: PortMapping): Promise<string | null> {
  const attempt = async (bind: (done: (e?: NodeJS.ErrnoException) => void) => void) => new Promise<string | null>((resolve) => bind((e) => resolve(e ? (e.code ?? e.message) : null)));
  if (p.protocol === 'udp') {
    const { createSocket } = await import('node:dgram');
    const s = createSocket('udp4');
    return attempt((done) => {
      s.once('error', (e) => done(e));
      s.bind(p.host, '127.0.0.1', () => s.close(() => done()));
    });
  }
  const { createServer } = await import('node:net');
  const s = createServer();
  return attempt((done) => {
    s.once('error', (e) => done(e));
    s.listen({ host: '127.0.0.1', port: p.host, exclusive: true }, () => s.close(() => done()));
  });
}

/**
 * Every published host port must be free on 127.0.0.1 before a guest starts: QEMU would otherwise fail while
 * setting up its forwarding (or a detached guest would die after "started"). One line naming the port, exit 1.
 */
export async function checkHostPorts(ports: PortMapping[]): Promise<void> {
  for (const p of ports) {
    const code = await bindError(p);
    if (code === 'EADDRINUSE') throw failure(`port ${p.host} is already in use on 127.0.0.1${p.protocol === 'udp' ? ' (udp)' : ''}; publish another with -p HOST:${p.guest}`);
    if (code) throw failure(`port ${p.host} cannot be opened on 127.0.0.1 (${code}); publish another with -p HOST:${p.guest}`);
  }
}
