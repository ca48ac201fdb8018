import { describe, expect, it } from 'vitest';
import { osvStepCount } from '../../../targets/osv/plan.js';

const cached = { copyPatches: null, kernel: null, compile: true, fs: 'rofs' as const };

describe('osvStepCount', () => {
  it('a cached kernel: compile and pack, or pack alone for a prebuilt binary or a program; ramfs relinks instead', () => {
    expect(osvStepCount(cached)).toBe(2);
    expect(osvStepCount({ ...cached, compile: false })).toBe(1);
    expect(osvStepCount({ ...cached, fs: 'ramfs' })).toBe(2);
  });

  it('a fresh tree copy: tar, untar and a patch each', () => {
    expect(osvStepCount({ ...cached, copyPatches: 4 })).toBe(2 + 6);
  });

  it('a kernel to build: configure, Kconfig, seed + headers, each unik object, make', () => {
    const kernel = { configures: true, kconfig: true, seeded: true, objects: 1 };
    expect(osvStepCount({ ...cached, kernel })).toBe(2 + 6);
    expect(osvStepCount({ ...cached, kernel: { ...kernel, kconfig: false, seeded: false, objects: 0 } })).toBe(2 + 2);
    // A configured out directory (a killed build's) goes straight to make: no configure, so no seed either.
    expect(osvStepCount({ ...cached, kernel: { ...kernel, configures: false } })).toBe(2 + 2);
  });
});
