import { describe, expect, it } from 'vitest';
import { cacheKey, type CacheInputs } from '../../images/cache-key.js';

const inputs: CacheInputs = {
  unikVersion: '0.1.0',
  target: 'unikraft',
  platform: 'qemu/x86_64',
  name: 'hello',
  sourceHashes: { 'main.c': 'aa' },
  sources: [{ name: 'unikraft', ref: 'RELEASE-0.16.3', commit: 'c1', dirty: false }],
  generated: { defconfig: 'CONFIG_PLAT_KVM=y\n' },
};

describe('cacheKey', () => {
  it('is stable and independent of key order', () => {
    const reordered: CacheInputs = { ...inputs, generated: { ...inputs.generated }, sourceHashes: { ...inputs.sourceHashes } };
    expect(cacheKey(inputs)).toMatch(/^[0-9a-f]{64}$/);
    expect(cacheKey(reordered)).toBe(cacheKey(inputs));
  });

  it.each([
    ['a changed source file', { sourceHashes: { 'main.c': 'bb' } }],
    ['another framework commit', { sources: [{ name: 'unikraft', ref: 'RELEASE-0.16.3', commit: 'c2', dirty: false }] }],
    ['other generated files (drivers, templates)', { generated: { defconfig: 'CONFIG_LIBUKNETDEV=y\n' } }],
    ['another unik version', { unikVersion: '0.2.0' }],
    ['another name', { name: 'hello2' }],
  ])('changes with %s', (_l, change) => {
    expect(cacheKey({ ...inputs, ...change })).not.toBe(cacheKey(inputs));
  });

  it('refuses to name a build from a modified framework checkout', () => {
    expect(cacheKey({ ...inputs, sources: [{ ...inputs.sources[0]!, dirty: true }] })).toBeNull();
  });
});
