import { describe, expect, it } from 'vitest';
import { duplicateHostPort, parsePort } from '../../manifest/ports.js';

describe('parsePort', () => {
  it('reads HOST:GUEST with tcp by default, or /udp', () => {
    expect(parsePort('8080:80')).toEqual({ host: 8080, guest: 80, protocol: 'tcp' });
    expect(parsePort('5353:53/udp')).toEqual({ host: 5353, guest: 53, protocol: 'udp' });
    expect(parsePort('1:65535/tcp')).toEqual({ host: 1, guest: 65535, protocol: 'tcp' });
  });

  it.each(['80', '0:80', '80:0', '65536:80', '8080:80/sctp', ' 8080:80', '8080:80,hostfwd=tcp::22-:22', 'a:b'])('refuses %j', (s) => {
    expect(parsePort(s)).toBeNull();
  });
});

describe('duplicateHostPort', () => {
  it('finds a host port used twice for the same protocol, not across protocols', () => {
    const p = (host: number, protocol: 'tcp' | 'udp' = 'tcp') => ({ host, guest: 80, protocol });
    expect(duplicateHostPort([p(8080), p(8081)])).toBe(-1);
    expect(duplicateHostPort([p(8080), p(8080, 'udp')])).toBe(-1);
    expect(duplicateHostPort([p(8080), p(8081), p(8080)])).toBe(2);
  });
});
