import { connect, type Socket } from 'node:net';

/** One QMP connection (QEMU's JSON monitor on a unix socket): commands answered in order; events are ignored. */
export interface Qmp {
  execute(command: string, args?: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

/**
 * Connect, read the greeting and leave capabilities negotiation mode. QEMU creates the socket at start: retried
 * until it answers, for up to `timeoutMs`, or until `gone()` says QEMU has exited.
 */
export async function openQmp(path: string, gone: () => boolean, timeoutMs = 10_000): Promise<Qmp> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt(path);
    } catch (e) {
      if (Date.now() > deadline || gone()) throw new Error(`QMP socket ${path} did not answer: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
}

function attempt(path: string): Promise<Qmp> {
  return new Promise((resolve, reject) => {
    const sock: Socket = connect(path);
    const pending: { ok: (v: unknown) => void; fail: (e: Error) => void }[] = [];
    let buf = '';
    let greeted = false;
    let closed: Error | null = null;
    const fail = (e: Error) => {
      closed ??= e;
      for (const p of pending.splice(0)) p.fail(e);
    };
    sock.on('error', (e) => {
      fail(e);
      if (!greeted) reject(e);
    });
    sock.on('close', () => fail(new Error('QEMU closed its monitor')));
    sock.on('data', (c: Buffer) => {
      buf += c.toString('utf8');
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl).trim();
        buf = buf.slice(nl + 1);
        if (!line) continue;
        const msg = JSON.parse(line) as { QMP?: unknown; event?: string; return?: unknown; error?: { desc: string } };
        if (msg.QMP) {
          greeted = true;
          void qmp.execute('qmp_capabilities').then(() => resolve(qmp), reject);
        } else if (!msg.event) {
          const p = pending.shift();
          if (msg.error) p?.fail(new Error(msg.error.desc));
          else p?.ok(msg.return);
        }
      }
    });
    const qmp: Qmp = {
      execute: (command, args) =>
        new Promise((ok, failWith) => {
          if (closed) return failWith(closed);
          pending.push({ ok, fail: failWith });
          sock.write(JSON.stringify(args ? { execute: command, arguments: args } : { execute: command }) + '\n');
        }),
      close: () => sock.destroy(),
    };
  });
}
