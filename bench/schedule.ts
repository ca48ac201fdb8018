/** One turn of one runtime. */
export interface Slot<T> {
  /** 1-based, counted separately for warm-up and measured rounds. */
  round: number;
  warmup: boolean;
  contender: T;
}

/**
 * Pure: the interleaved order. Every round runs each contender once in turn, so drift on the machine
 * (another job, thermal throttling, a cache filling) lands on all of them alike instead of on whichever
 * would have run last. Warm-up rounds come first and are not counted.
 */
export function schedule<T>(contenders: readonly T[], runs: number, warmup: number): Slot<T>[] {
  const slots: Slot<T>[] = [];
  for (const [count, isWarmup] of [[warmup, true], [runs, false]] as const) {
    for (let round = 1; round <= count; round++) {
      for (const contender of contenders) slots.push({ round, warmup: isWarmup, contender });
    }
  }
  return slots;
}
