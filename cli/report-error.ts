import { UnikError } from '../lib/errors.js';
import { safeJson, terminalSafe } from '../lib/terminal-text.js';
import { writeOut } from './output.js';

/** An error line's longest form: longer ones keep their start and their end (often a log path). */
const LINE_MAX = 600;

/** Pure: a message as one bounded, terminal-safe line: whatever a record or an archive put into it. */
export function oneLine(message: string): string {
  const safe = terminalSafe(message);
  return safe.length <= LINE_MAX ? safe : `${safe.slice(0, LINE_MAX - 200)} … ${safe.slice(-190)}`;
}

/** The only place errors are printed: one line (plus detail such as a log tail), and the exit code. */
export function reportError(err: unknown, json: boolean): number {
  if (err instanceof UnikError) {
    process.stderr.write(`unik: ${oneLine(err.message)}\n`);
    if (err.detail) process.stderr.write(`${terminalSafe(err.detail, true).replace(/^/gm, '  | ')}\n`);
    if (json) {
      writeOut(safeJson({ error: { message: err.message, exitCode: err.exitCode, detail: err.detail ?? null } }) + '\n');
    }
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOSPC') {
    process.stderr.write(`unik: no space left on device${e.path ? ` writing ${e.path}` : ''}; free some space there and try again\n`);
    return 1;
  }
  process.stderr.write(`unik: internal error: ${oneLine(e?.message ?? String(err))}\n`);
  if (process.env.UNIK_DEBUG) process.stderr.write(`${e?.stack ?? ''}\n`);
  return 1;
}
