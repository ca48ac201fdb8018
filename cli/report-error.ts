import { UnikError } from '../lib/errors.js';

/** The only place errors are printed: one line (plus detail such as a log tail), and the exit code. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof UnikError) {
    process.stderr.write(`unik: ${err.message}\n`);
    if (err.detail) process.stderr.write(`${err.detail.replace(/^/gm, '  | ')}\n`);
    if (json) {
      process.stdout.write(JSON.stringify({ error: { message: err.message, exitCode: err.exitCode, detail: err.detail ?? null } }) + '\n');
    }
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') {
    process.stderr.write(`unik: no space left on device${e.path ? ` writing ${e.path}` : ''}; free some space there and try again\n`);
    return 1;
  }
  process.stderr.write(`unik: internal error: ${e?.message ?? String(err)}\n`);
  if (process.env.UNIK_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}
