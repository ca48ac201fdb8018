import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../../helpers/cli.js';

/** The Solo5 patches the MirageOS toolchain installer applies to its build copy of Solo5 v0.12.1 (issue 11). */
const DIR = join(ROOT, 'toolchains', 'mirage', 'fixups');

describe('toolchains/mirage/fixups: the Solo5 patch', () => {
  it('holds reviewed unified diffs (patch -p1) that say what they change and why, touching only the virtio TSC clock', () => {
    const files = readdirSync(DIR).filter((f) => f.endsWith('.patch')).sort();
    expect(files).toEqual(['0001-solo5-tsc-frequency-from-fw-cfg.patch']);
    for (const f of files) {
      const text = readFileSync(join(DIR, f), 'utf8');
      expect(text.slice(0, text.indexOf('diff --git'))).toMatch(/^unik: .+\n\n[\s\S]{200,}/);
      expect([...text.matchAll(/^\+\+\+ (\S+)/gm)].map((m) => m[1])).toEqual(['b/bindings/virtio/tscclock.c']);
      expect(text).toContain('opt/unik/tsc_khz');
    }
  });
});
