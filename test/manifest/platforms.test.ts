import { describe, expect, it } from 'vitest';
import schema from '../../manifest/manifest.schema.json' with { type: 'json' };
import { PLATFORMS, type TargetName } from '../../manifest/manifest.js';
import { targetFor } from '../../targets/registry.js';

describe('the platform list is decided once', () => {
  it("the schema's target and platform enums are exactly the list's", () => {
    expect([...schema.properties.target.enum].sort()).toEqual(Object.keys(PLATFORMS).sort());
    expect([...schema.properties.platform.enum].sort()).toEqual([...new Set(Object.values(PLATFORMS).flat())].sort());
  });

  it.each(Object.keys(PLATFORMS) as TargetName[])("%s's adapter runs exactly its list, and its default is on it", async (name) => {
    const target = await targetFor(name);
    expect(target.platforms).toEqual(PLATFORMS[name]);
    for (const devices of [
      { console: true as const, net: null, block: [], share: [] },
      { console: true as const, net: { ports: [], guestIp: '10.0.2.15', gateway: '10.0.2.2', prefix: 24, nameserver: '10.0.2.3' }, block: [], share: [] },
    ]) {
      expect(target.platforms).toContain(target.defaultPlatform(devices));
    }
  });
});
