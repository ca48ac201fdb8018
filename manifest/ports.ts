import type { PortMapping } from './manifest.js';

/** "HOST:GUEST[/udp]" → mapping, or null when malformed or out of range. Shared by the manifest and `run -p`. */
export function parsePort(s: string): PortMapping | null {
  const m = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp))?$/.exec(s);
  if (!m) return null;
  const host = Number(m[1]);
  const guest = Number(m[2]);
  if (host < 1 || host > 65535 || guest < 1 || guest > 65535) return null;
  return { host, guest, protocol: (m[3] as 'tcp' | 'udp' | undefined) ?? 'tcp' };
}

/** Index of the first mapping whose host port (and protocol) was already used, or -1. */
export const duplicateHostPort = (ports: PortMapping[]): number =>
  ports.findIndex((p, i) => ports.findIndex((q) => q.host === p.host && q.protocol === p.protocol) !== i);
