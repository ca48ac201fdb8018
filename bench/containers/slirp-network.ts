import { execa } from 'execa';
import type { EventEmitter } from 'node:events';
import type { Readable } from 'node:stream';
import { promises as fsp, readlinkSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { failure } from '../../lib/errors.js';
import type { PortMapping } from '../../manifest/manifest.js';

/** A network namespace of the bench's own, with a user-mode network publishing a server's ports on 127.0.0.1. */
export interface SlirpNetwork {
  /** What the OCI config's network namespace joins. */
  netnsPath: string;
  /** The namespace's holder and slirp4netns: what the network costs in processes (the density bench reads their memory). */
  pids: number[];
  /** Stops slirp4netns and the namespace's holder, and waits for both. */
  close(): Promise<void>;
}

/** Pure: slirp4netns's API request that forwards 127.0.0.1:host to the namespace's guest port. */
export const hostfwdRequest = (p: PortMapping): string =>
  JSON.stringify({ execute: 'add_hostfwd', arguments: { proto: p.protocol, host_addr: '127.0.0.1', host_port: p.host, guest_port: p.guest } });

/** Pure: slirp4netns's argv: it configures tap0 (and lo) inside the namespace of `pid`; the host's loopback stays out of reach. */
export const slirpArgv = (socket: string, pid: number): string[] => [
  '--configure',
  '--mtu=65520',
  '--disable-host-loopback',
  '--api-socket',
  socket,
  '--ready-fd=3',
  String(pid),
  'tap0',
];

const netns = (pid: number | 'self'): string => readlinkSync(`/proc/${pid}/ns/net`);

/**
 * runc and crun have no port publishing of their own. This is what rootless podman does for them: a process
 * (unshare) holds a fresh network namespace, slirp4netns wires it to the host in user mode and forwards the
 * ports on 127.0.0.1. No host interface, bridge or iptables rule is added.
 */
export async function slirpNetwork(dir: string, ports: PortMapping[]): Promise<SlirpNetwork> {
  await fsp.mkdir(dir, { recursive: true });
  const holder = execa('unshare', ['--net', 'sleep', 'infinity'], { stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', reject: false, cleanup: true });
  const procs: (PromiseLike<unknown> & { kill(signal: NodeJS.Signals): boolean })[] = [holder];
  const close = async () => {
    for (const p of procs) p.kill('SIGTERM');
    await Promise.all(procs);
  };
  try {
    const pid = holder.pid!;
    // slirp4netns must never configure the host's own namespace: wait until the holder is in a new one.
    const deadline = Date.now() + 10_000;
    while (netnsOrNull(pid) === netns('self') || netnsOrNull(pid) === null) {
      if (holder.exitCode !== null || Date.now() > deadline) throw failure('unshare --net did not create a network namespace');
      await new Promise((r) => setTimeout(r, 5));
    }
    const socket = join(dir, 'slirp.sock');
    await fsp.rm(socket, { force: true });
    const slirp = execa('slirp4netns', slirpArgv(socket, pid), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], reject: false, cleanup: true, buffer: false });
    procs.push(slirp);
    await slirpReady(slirp, slirp.stderr, slirp.stdio[3] as Readable);
    for (const p of ports) await apiCall(socket, hostfwdRequest(p));
    return { netnsPath: `/proc/${pid}/ns/net`, pids: [pid, slirp.pid!], close };
  } catch (e) {
    await close();
    throw e;
  }
}

function netnsOrNull(pid: number): string | null {
  try {
    return netns(pid);
  } catch {
    return null;
  }
}

/** slirp4netns writes "1" on its ready fd once the namespace is configured and the API socket listens. */
function slirpReady(slirp: EventEmitter, stderr: Readable, ready: Readable): Promise<void> {
  const err: Buffer[] = [];
  stderr.on('data', (c: Buffer) => err.push(c));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(failure('slirp4netns did not get ready in 10 s', Buffer.concat(err).toString())), 10_000);
    ready.once('data', () => (clearTimeout(timer), resolve()));
    slirp.once('exit', () => (clearTimeout(timer), reject(failure('slirp4netns exited before it was ready', Buffer.concat(err).toString()))));
  });
}

/** One request on slirp4netns's API socket; its error, if it answers one, is thrown. */
function apiCall(socket: string, request: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const conn = createConnection(socket);
    const out: Buffer[] = [];
    conn.on('data', (c: Buffer) => out.push(c));
    conn.on('error', (e) => reject(failure(`slirp4netns API: ${e.message}`)));
    conn.on('end', () => {
      const answer = Buffer.concat(out).toString();
      if (/"error"/.test(answer)) reject(failure(`slirp4netns refused ${request}: ${answer.trim()}`));
      else resolve();
    });
    conn.end(request);
  });
}
