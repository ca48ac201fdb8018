import { describe, expect, it } from 'vitest';
import { checkReadyUrl } from '../../run/ready-url.js';

describe('--ready-http', () => {
  it.each([
    ['http://127.0.0.1:8080/', 'http://127.0.0.1:8080/'],
    ['http://localhost:8080/health', 'http://localhost:8080/health'],
    ['http://[::1]:8080/', 'http://[::1]:8080/'],
    ['http://127.1:8080/', 'http://127.0.0.1:8080/'],
    ['http://2130706434:8080/', 'http://127.0.0.2:8080/'],
    ['http://127.255.0.9:8080/', 'http://127.255.0.9:8080/'],
  ])('accepts loopback %s', (url, href) => {
    expect(checkReadyUrl(url, [8080])).toBe(href);
  });

  // A manifest or script must not make unik probe other hosts (or the cloud metadata service).
  it.each([
    'http://10.0.2.15/',
    'http://169.254.169.254/latest/meta-data/',
    'http://example.com/',
    'http://3232235521/',
    'http://128.0.0.1/',
    'https://127.0.0.1/',
    'file:///etc/passwd',
    'http://user:pw@127.0.0.1/',
    'localhost:8080',
    'not a url',
  ])('refuses %s with exit 2', (url) => {
    expect(() => checkReadyUrl(url)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--ready-http: expected an http:\/\/ URL on a loopback address/) }));
  });

  it('must name a port this run publishes: nothing else reaches the guest', () => {
    expect(() => checkReadyUrl('http://127.0.0.1:9090/', [8080])).toThrow(/--ready-http: expected a URL on one of this run's published ports \(8080\), found port 9090/);
    expect(() => checkReadyUrl('http://127.0.0.1/', [])).toThrow(/this run has none/);
    expect(checkReadyUrl('http://127.0.0.1/', [80])).toBe('http://127.0.0.1/');
  });
});
