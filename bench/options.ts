import { usageError } from '../lib/errors.js';
import { parseCount } from '../lib/units.js';
import type { Platform } from '../manifest/manifest.js';
import { RUNTIME_NAMES, type RuntimeName } from './types.js';

/** The flags as commander hands them over: strings, defaults already filled in. */
export interface BenchFlags {
  platform?: Platform;
  runs: string;
  warmup: string;
  runtimes?: string;
  json?: boolean;
  csv?: string;
  chart?: string;
  density?: string;
  snapshot?: boolean;
}

export interface BenchChoices {
  platform: Platform | null;
  runs: number;
  warmup: number;
  /** null = every runtime found. */
  runtimes: RuntimeName[] | null;
  csv: string | null;
  chart: string | null;
  /** --density N[,N…]: instance counts to start at once; null = the ordinary bench. */
  density: number[] | null;
  /** --snapshot: restored rows next to the cold ones. */
  snapshot: boolean;
}

const LIMITS = { runs: { min: 1, max: 1000 }, warmup: { min: 0, max: 100 } };

const count = (flag: 'runs' | 'warmup', value: string): number => parseCount(`--${flag}`, value, LIMITS[flag].min, LIMITS[flag].max);

function runtimes(value: string): RuntimeName[] {
  const names = value.split(',').map((s) => s.trim());
  const expected = `a comma-separated list of ${RUNTIME_NAMES.join(', ')}`;
  for (const [i, name] of names.entries()) {
    if (!(RUNTIME_NAMES as readonly string[]).includes(name)) throw usageError(`--runtimes: expected ${expected}, found ${JSON.stringify(name)}`);
    if (names.indexOf(name) !== i) throw usageError(`--runtimes: expected each runtime once, found ${JSON.stringify(name)} twice`);
  }
  return names as RuntimeName[];
}

/** Pure: validate the bench flags; each problem is one line naming the flag, exit code 2. */
export function parseBenchFlags(flags: BenchFlags): BenchChoices {
  if (flags.chart !== undefined && !/\.svg$/i.test(flags.chart)) {
    throw usageError(`--chart: expected a file name ending in .svg, found ${JSON.stringify(flags.chart)}`);
  }
  if (flags.csv === '') throw usageError('--csv: expected a file name, found ""');
  const chosen = flags.runtimes === undefined ? null : runtimes(flags.runtimes);
  const other = flags.density === undefined ? undefined : chosen?.find((r) => r !== 'unikernel' && r !== 'crun');
  if (other) throw usageError(`--runtimes: with --density, expected unikernel and/or crun, found ${JSON.stringify(other)}`);
  return {
    platform: flags.platform ?? null,
    runs: count('runs', flags.runs),
    warmup: count('warmup', flags.warmup),
    runtimes: chosen,
    csv: flags.csv ?? null,
    chart: flags.chart ?? null,
    density: flags.density === undefined ? null : flags.density.split(',').map((n) => parseCount('--density', n.trim(), 1, 1000)),
    snapshot: !!flags.snapshot,
  };
}
