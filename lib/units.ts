import { usageError } from './errors.js';

/** "500ms", "10s", "2m", "1.5s" or plain seconds → milliseconds. */
export function parseDuration(flag: string, s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
  if (!m || Number(m[1]) <= 0) throw usageError(`${flag}: expected a duration like 500ms, 10s or 2m, found ${JSON.stringify(s)}`);
  const n = Number(m[1]);
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
}

/** "64M", "1G" → MiB. */
export function parseMemory(flag: string, s: string): number {
  const m = /^([1-9]\d*)([MG])$/.exec(s);
  const mib = m ? Number(m[1]) * (m[2] === 'G' ? 1024 : 1) : NaN;
  if (!(mib >= 2 && mib <= 4096)) throw usageError(`${flag}: expected a size from 2M to 4G like 64M, found ${JSON.stringify(s)}`);
  return mib;
}
