import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { patchedTreeDir } from '../../../targets/unikraft/patched-tree.js';
import { unikraftPatches } from '../../../targets/unikraft/patches.js';

describe('unikraftPatches', () => {
  it('lists the reviewed patch files in order, each with its content hash, all against the Unikraft tree', () => {
    const patches = unikraftPatches();
    expect(patches.map((p) => p.file)).toEqual(['0001-tsc-frequency-from-fw-cfg.patch', '0002-report-the-app-exit-status.patch', '0003-monotonic-clock-without-accumulated-rounding.patch']);
    for (const p of patches) {
      expect(p.source).toBe('unikraft');
      expect(p.sha256).toMatch(/^[0-9a-f]{64}$/);
      // Unified diffs with a/ b/ prefixes (applied with patch -p1): they touch only files below the tree.
      const text = readFileSync(p.path, 'utf8');
      for (const m of text.matchAll(/^\+\+\+ (\S+)/gm)) expect(m[1]).toMatch(/^b\/(?!.*\.\.)/);
    }
  });

  it('each starts with a description of what it changes and why, then touches only what it says', () => {
    const touches: Record<string, string[]> = {
      '0001-tsc-frequency-from-fw-cfg.patch': ['b/plat/kvm/x86/tscclock.c'],
      '0002-report-the-app-exit-status.patch': ['b/include/uk/plat/bootstrap.h', 'b/lib/nolibc/stdlib.c', 'b/lib/ukboot/boot.c', 'b/plat/kvm/shutdown.c'],
      '0003-monotonic-clock-without-accumulated-rounding.patch': ['b/plat/kvm/x86/tscclock.c'],
    };
    for (const p of unikraftPatches()) {
      const text = readFileSync(p.path, 'utf8');
      expect(text.slice(0, text.indexOf('diff --git'))).toMatch(/^unik: .+\n\n[\s\S]{200,}/);
      expect([...text.matchAll(/^\+\+\+ (\S+)/gm)].map((m) => m[1])).toEqual(touches[p.file]);
    }
  });
});

describe('patchedTreeDir', () => {
  const patch = (sha256: string) => ({ source: 'unikraft' as const, file: '0001-x.patch', path: '/p', sha256 });
  it('names one copy per commit and patch set', () => {
    const a = patchedTreeDir('/b', 'e453b74a2e78a0de98563d75d8e0a97e668088e6', [patch('1'.repeat(64))]);
    expect(a).toMatch(/^\/b\/unikraft-src\/e453b74a2e78-[0-9a-f]{12}$/);
    expect(patchedTreeDir('/b', 'e453b74a2e78a0de98563d75d8e0a97e668088e6', [patch('2'.repeat(64))])).not.toBe(a);
    expect(patchedTreeDir('/b', 'f453b74a2e78a0de98563d75d8e0a97e668088e6', [patch('1'.repeat(64))])).not.toBe(a);
  });
});
