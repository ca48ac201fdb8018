import { usageError } from '../lib/errors.js';

const EXPECTED = 'an http:// URL on a loopback address (127.0.0.0/8, localhost or [::1]), like http://127.0.0.1:8080/';

/** Pure: whether a URL host (as WHATWG URL normalises it: "127.1" → "127.0.0.1") is this machine's loopback. */
export const isLoopbackHost = (host: string): boolean => host === 'localhost' || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);

/**
 * Pure: the --ready-http URL, checked. unik polls it from the host, so it may only name this machine's
 * loopback, where the guest's published ports are: never another host a manifest or script picked. With
 * `publishedPorts` (the host ports of this run), the port must be one of them: nothing else reaches the guest.
 */
export function checkReadyUrl(s: string, publishedPorts?: number[]): string {
  let url: URL;
  try {
    url = new URL(s);
  } catch {
    throw usageError(`--ready-http: expected ${EXPECTED}, found ${JSON.stringify(s)}, which is not a URL`);
  }
  if (url.protocol !== 'http:' || !isLoopbackHost(url.hostname) || url.username || url.password) {
    throw usageError(`--ready-http: expected ${EXPECTED}, found ${JSON.stringify(s)}`);
  }
  const port = Number(url.port || 80);
  if (publishedPorts && !publishedPorts.includes(port)) {
    const expected = publishedPorts.length ? `one of this run's published ports (${publishedPorts.join(', ')})` : 'a published port (-p, or devices.net.ports), and this run has none';
    throw usageError(`--ready-http: expected a URL on ${expected}, found port ${port} in ${JSON.stringify(s)}`);
  }
  return url.href;
}
