import { usageError } from './errors.js';

/** Node's timers overflow past 2^31-1 ms (~24.8 days) and fire at once; a day is far more than any boot needs. */
const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

/** "500ms", "10s", "2m", "1.5s" or plain seconds → whole milliseconds, from 1 ms to 24 h. */
export function parseDuration(flag: string, s: string): number {
  const m = /^(\d{1,9}(?:\.\d{1,6})?)(ms|s|m|h)?$/.exec(s);
  const n = m ? Number(m[1]) : NaN;
  const ms = m ? Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : m[2] === 'h' ? n * 3_600_000 : n * 1000) : NaN;
  if (!(ms >= 1 && ms <= MAX_DURATION_MS)) {
    throw usageError(`${flag}: expected a duration from 1ms to 24h like 500ms, 10s or 2m, found ${JSON.stringify(s)}`);
  }
  return ms;
}

export const MEMORY_MIB = { min: 2, max: 4096 } as const;
export const MEMORY_EXPECTED = `a whole number of MiB from ${MEMORY_MIB.min}M to ${MEMORY_MIB.max / 1024}G, like 64M, 65536K or 1G`;

/** "64M", "65536K", "1G" → MiB; null unless it is a whole number of MiB within the guest limits. The one parser. */
export function memoryMiB(s: string): number | null {
  const m = /^([1-9]\d{0,9})([KMG])$/.exec(s);
  if (!m) return null;
  const n = Number(m[1]);
  const mib = m[2] === 'K' ? n / 1024 : m[2] === 'M' ? n : n * 1024;
  return Number.isInteger(mib) && mib >= MEMORY_MIB.min && mib <= MEMORY_MIB.max ? mib : null;
}

/** A --memory flag → MiB, or a usage error naming the flag. */
export function parseMemory(flag: string, s: string): number {
  const mib = memoryMiB(s);
  if (mib === null) throw usageError(`${flag}: expected ${MEMORY_EXPECTED}, found ${JSON.stringify(s)}`);
  return mib;
}

/** A flag holding a whole number from `min` to `max` (--runs, --tail) → the number, or a usage error naming the flag. */
export function parseCount(flag: string, s: string, min: number, max: number): number {
  const n = /^\d{1,10}$/.test(s) ? Number(s) : NaN;
  if (!(n >= min && n <= max)) throw usageError(`${flag}: expected a whole number from ${min} to ${max}, found ${JSON.stringify(s)}`);
  return n;
}
