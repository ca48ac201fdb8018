import { describe, expect, it } from 'vitest';
import { parseBenchFlags } from '../../bench/options.js';
import { UnikError } from '../../lib/errors.js';

const defaults = { runs: '20', warmup: '2' };

function usage(flags: Parameters<typeof parseBenchFlags>[0]): string {
  try {
    parseBenchFlags(flags);
  } catch (e) {
    expect(e).toBeInstanceOf(UnikError);
    expect((e as UnikError).exitCode).toBe(2);
    return (e as UnikError).message;
  }
  throw new Error('expected a usage error');
}

describe('parseBenchFlags', () => {
  it('takes the defaults: every runtime found, no files', () => {
    expect(parseBenchFlags(defaults)).toEqual({ platform: null, runs: 20, warmup: 2, runtimes: null, csv: null, chart: null, density: null, snapshot: false });
  });
  it('with --density, takes only the unikernel and crun (the twin density runs under)', () => {
    expect(parseBenchFlags({ ...defaults, density: '2', runtimes: 'crun' }).runtimes).toEqual(['crun']);
    expect(usage({ ...defaults, density: '2', runtimes: 'unikernel,podman' })).toBe('--runtimes: with --density, expected unikernel and/or crun, found "podman"');
  });

  it('keeps the named runtimes in the given order', () => {
    expect(parseBenchFlags({ ...defaults, runtimes: 'runc, unikernel' }).runtimes).toEqual(['runc', 'unikernel']);
  });
  it('accepts zero warm-ups and one run', () => {
    expect(parseBenchFlags({ runs: '1', warmup: '0' })).toMatchObject({ runs: 1, warmup: 0 });
  });
  it('names the flag and what it expected', () => {
    expect(usage({ ...defaults, runs: '0' })).toBe('--runs: expected a whole number from 1 to 1000, found "0"');
    expect(usage({ ...defaults, runs: '2.5' })).toMatch(/^--runs: expected a whole number/);
    expect(usage({ ...defaults, warmup: '-1' })).toMatch(/^--warmup: expected a whole number from 0 to 100/);
    expect(usage({ ...defaults, runtimes: 'runc,lxc' })).toBe(
      '--runtimes: expected a comma-separated list of unikernel, runc, crun, podman, docker, unik-runtime, found "lxc"',
    );
    expect(usage({ ...defaults, runtimes: 'runc,runc' })).toBe('--runtimes: expected each runtime once, found "runc" twice');
    expect(usage({ ...defaults, runtimes: '' })).toMatch(/^--runtimes: expected a comma-separated list/);
    expect(usage({ ...defaults, chart: 'out.png' })).toBe('--chart: expected a file name ending in .svg, found "out.png"');
    expect(usage({ ...defaults, csv: '' })).toBe('--csv: expected a file name, found ""');
  });
});
