import { describe, expect, it } from 'vitest';
import { packageDirs, SEED_PACKAGES, solo5Duniverse } from '../../../toolchains/mirage/duniverse.js';
import { duniverseFor } from '../../../targets/mirage/build.js';

describe('packageDirs', () => {
  it("maps packages to the seeded directory that holds them, and names the ones the seed lacks", () => {
    expect(packageDirs(['duration', 'mirage-crypto-rng', 'macaddr'])).toEqual({ dirs: ['duration', 'ipaddr', 'mirage-crypto'], unknown: [] });
    expect(packageDirs(['irmin', 'duration'])).toEqual({ dirs: ['duration'], unknown: ['irmin'] });
    expect(SEED_PACKAGES.get('cstruct')).toBe('cstruct');
  });
});

describe('duniverseFor', () => {
  const none = { console: true as const, net: null, block: [], share: [] };
  it("the devices' libraries plus the extra packages' directories, each once, sorted", () => {
    expect(duniverseFor(none, [])).toEqual(solo5Duniverse({ net: false, block: false }));
    expect(duniverseFor(none, ['cstruct', 'duration'])).toEqual([...new Set([...solo5Duniverse({ net: false, block: false }), 'cstruct'])].sort());
  });
});
