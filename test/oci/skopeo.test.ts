import { describe, expect, it } from 'vitest';
import { authFileContent, parseCreds } from '../../oci/creds.js';
import { parseRef } from '../../oci/ref.js';
import { fatalMessage, registryError, skopeoArgs } from '../../oci/skopeo.js';

const ref = parseRef('127.0.0.1:5055/team/hello:1.0');
// Messages as skopeo 1.9 prints them (captured against distribution 2.8 on this machine).
const fatal = (msg: string) => `Getting image source signatures\ntime="2026-12-01T21:42:37Z" level=fatal msg="${msg.replace(/"/g, '\\"')}"\n`;

describe('skopeoArgs', () => {
  it('push: preserve digests, dest-side TLS/CA/auth file, layout → registry; no secret on the command line', () => {
    expect(skopeoArgs('push', ref, '/h/images/.push', { tlsVerify: true, certDir: '/ca', authFile: '/tmp/a/auth.json', digestFile: '/d' })).toEqual([
      'copy', '--preserve-digests', '--digestfile', '/d', '--dest-tls-verify=true', '--dest-cert-dir', '/ca', '--dest-authfile', '/tmp/a/auth.json',
      'oci:/h/images/.push:1.0', 'docker://127.0.0.1:5055/team/hello:1.0',
    ]);
  });

  it('pull: src-side flags, registry → layout', () => {
    expect(skopeoArgs('pull', ref, '/l', { tlsVerify: false })).toEqual(['copy', '--src-tls-verify=false', 'docker://127.0.0.1:5055/team/hello:1.0', 'oci:/l:1.0']);
  });
});

describe('registryError', () => {
  it.each([
    ['trying to reuse blob sha256:ae49 at destination: checking whether a blob sha256:ae49 exists in 127.0.0.1:5055/team/x: unauthorized: authentication required', /^registry 127.0.0.1:5055 refused the credentials \(unauthorized\)/, 1],
    ['pinging container registry 127.0.0.1:5055: Get "https://127.0.0.1:5055/v2/": x509: certificate signed by unknown authority', /its TLS certificate is not trusted \(x509: certificate signed by unknown authority"?\); pass --cert-dir DIR/, 1],
    ['pinging container registry 127.0.0.1:5999: Get "https://127.0.0.1:5999/v2/": dial tcp 127.0.0.1:5999: connect: connection refused', /^registry 127.0.0.1:5055 is not reachable \(connection refused\): is it running\?$/, 1],
    ['pinging container registry nohost.invalid: Get "https://nohost.invalid/v2/": dial tcp: lookup nohost.invalid on 10.255.255.53:53: no such host', /^registry 127.0.0.1:5055: unknown host 127.0.0.1$/, 1],
    ['initializing source docker://127.0.0.1:5055/team/x:2: reading manifest 2 in 127.0.0.1:5055/team/x: manifest unknown: manifest unknown', /^127.0.0.1:5055\/team\/hello:1.0: not found in registry/, 1],
    ['writing blob: happened during read: Digest did not match, expected sha256:aa, got sha256:bb', /a blob does not match its digest; refused, nothing stored$/, 1],
    [`writing blob: happened during read: Digest did not match, expected sha256:${'a'.repeat(64)}, got sha256:${'b'.repeat(64)}`, new RegExp(`a blob does not match its digest \\(expected sha256:a{64}, got sha256:b{64}\\); refused, nothing stored$`), 1],
    ['writing blob: open /h/images/.pull/blobs/sha256/x: no space left on device', /^no space left on the device while pulling/, 1],
    // Issue 23 item 15: a malformed config digest was reported as "not found".
    [`reading blob sha256:${'Z'.repeat(300)}: fetching blob: blob unknown to registry (404 Not Found)`, /^127.0.0.1:5055\/team\/hello:1.0: the registry's manifest names a malformed digest \("sha256:Z{70}\.\.\."\); refused, nothing stored$/, 2],
    ['parsing manifest: invalid checksum digest format', /the registry's manifest names a malformed digest; refused, nothing stored$/, 2],
    ['choosing an image from manifest list docker://r/x:1: no image found in manifest list for architecture amd64, variant "", OS linux', /expected an image for linux\/amd64, found none in its index$/, 2],
  ])('%s', (msg, expected, code) => {
    const err = registryError(fatal(msg), ref, 'pull');
    expect(err).not.toBe('plain-http');
    expect((err as Error).message).toMatch(expected);
    expect((err as { exitCode: number }).exitCode).toBe(code);
  });

  it('plain HTTP is left to the caller (allowed on loopback only)', () => {
    expect(registryError(fatal('pinging container registry 127.0.0.1:5066: Get "https://127.0.0.1:5066/v2/": http: server gave HTTP response to HTTPS client'), ref, 'push')).toBe('plain-http');
  });

  it('fatalMessage takes the last fatal line, unescaped', () => {
    expect(fatalMessage(fatal('a "quoted" thing'))).toBe('a "quoted" thing');
  });
});

describe('credentials', () => {
  it('--creds is USER:PASSWORD; a bad one is refused without echoing it', () => {
    expect(parseCreds('alice:pa:ss')).toEqual({ user: 'alice', password: 'pa:ss' });
    for (const bad of ['alice', ':secret', 'alice:', 'al\nice:secret']) {
      expect(() => parseCreds(bad)).toThrow('--creds: expected USER:PASSWORD (both non-empty, no control characters), found something else');
    }
  });

  it('the auth file is the docker config.json shape skopeo reads', () => {
    expect(JSON.parse(authFileContent('127.0.0.1:5055', 'alice', 's3cret'))).toEqual({ auths: { '127.0.0.1:5055': { auth: Buffer.from('alice:s3cret').toString('base64') } } });
  });
});
