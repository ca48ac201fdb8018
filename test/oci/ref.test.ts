import { describe, expect, it } from 'vitest';
import { isLoopbackAddress, loopbackHost, looksLikeRef, parseRef } from '../../oci/ref.js';

describe('parseRef', () => {
  it.each([
    ['127.0.0.1:5000/team/hello:1.0', { registry: '127.0.0.1:5000', host: '127.0.0.1', repository: 'team/hello', tag: '1.0', digest: null, canonical: '127.0.0.1:5000/team/hello:1.0' }],
    ['localhost/hello', { registry: 'localhost', host: 'localhost', repository: 'hello', tag: 'latest', canonical: 'localhost/hello:latest' }],
    ['registry.example.com/a/b/c-d_e.f:v1_2-3', { host: 'registry.example.com', repository: 'a/b/c-d_e.f', tag: 'v1_2-3' }],
    ['[::1]:5000/x:y', { registry: '[::1]:5000', host: '::1', repository: 'x', tag: 'y' }],
    [`r.io/x@sha256:${'a'.repeat(64)}`, { tag: null, digest: `sha256:${'a'.repeat(64)}`, canonical: `r.io/x@sha256:${'a'.repeat(64)}` }],
  ])('reads %s', (input, expected) => {
    expect(parseRef(input)).toMatchObject(expected);
  });

  it.each([
    ['hello', /no registry host/],
    ['team/hello:1.0', /"team" is not a registry host/],
    ['127.0.0.1:5000/Team/hello', /repository names are lower-case/],
    ['127.0.0.1:5000/team/hello:', /repository names/],
    ['127.0.0.1:5000/team/hello:-x', /repository names/],
    ['127.0.0.1:70000/team/hello', /port 70000 is out of range/],
    ['127.0.0.1:5000/team//hello', /repository names/],
    ['127.0.0.1:5000/team/hello@sha256:abc', /repository names/],
    ['r.io/x;rm -rf /', /repository names/],
    [`r.io/${'a'.repeat(260)}`, /longer than 255/],
  ])('refuses %s with one line naming REF and what was expected', (input, why) => {
    expect(() => parseRef(input)).toThrow(/^REF: expected REGISTRY\/REPOSITORY\[:TAG\|@sha256:DIGEST\]/);
    expect(() => parseRef(input)).toThrow(why);
    try {
      parseRef(input);
    } catch (e) {
      expect((e as { exitCode: number }).exitCode).toBe(2);
      expect((e as Error).message).not.toContain('\n');
    }
  });

  it('names the argument it checks', () => {
    expect(() => parseRef('x/y', 'IMAGE')).toThrow(/^IMAGE: expected/);
  });
});

describe('loopbackHost / looksLikeRef', () => {
  it('plain HTTP is acceptable only where traffic stays on the machine', async () => {
    expect(['127.0.0.1', '127.1.2.3', '::1'].every(isLoopbackAddress)).toBe(true);
    expect(['localhost', 'foo.localhost', '10.0.0.1', 'registry.example.com', '128.0.0.1', 'localhost.example.com', '127.0.0.1.nip.io'].some(isLoopbackAddress)).toBe(false);
  });

  it('a name is trusted only after its addresses were checked; *.localhost never (DNS may answer for it)', async () => {
    const dns = (answer: string[]) => async () => answer;
    expect(await loopbackHost('localhost', dns(['127.0.0.1', '::1']))).toBe(true);
    expect(await loopbackHost('localhost', dns(['127.0.0.1', '203.0.113.7']))).toBe(false);
    expect(await loopbackHost('localhost', async () => { throw new Error('ENOTFOUND'); })).toBe(false);
    // The lookup would say loopback, but a *.localhost name is not even asked about.
    expect(await loopbackHost('evil.localhost', dns(['127.0.0.1']))).toBe(false);
    expect(await loopbackHost('127.0.0.1', dns([]))).toBe(true);
    expect(await loopbackHost('localhost')).toBe(true);
  });

  it('only arguments with a registry part are REFs; names, ids and paths are not', () => {
    expect(looksLikeRef('127.0.0.1:5000/a:1')).toBe(true);
    expect(['hello', 'b0f8ca7c5265', './dir/x', '../x/y', '/abs/dir'].some(looksLikeRef)).toBe(false);
  });
});
