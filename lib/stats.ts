/** A sample's median, 95th percentile and range. */
export interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
}

/**
 * Pure: the p-th percentile (0..100) of sorted values, linearly interpolated between the two nearest ranks
 * (numpy's default), so a p95 of 3 runs is still a value between the two slowest rather than just the max.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) throw new RangeError('percentile of no values');
  const at = ((sorted.length - 1) * p) / 100;
  const lo = Math.floor(at);
  const hi = Math.ceil(at);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (at - lo);
}

export const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

export function summarize(values: readonly number[]): Summary {
  const sorted = [...values].sort((a, b) => a - b);
  return {
    median: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    min: sorted[0]!,
    max: sorted[sorted.length - 1]!,
  };
}

/** How many times slower (>1) or faster (<1) `of` is than `base`, by median. */
export const medianRatio = (of: Summary, base: Summary): number => of.median / base.median;
