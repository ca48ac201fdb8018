import type { ProgressSink } from '../lib/progress.js';
import { safeJson, terminalSafe } from '../lib/terminal-text.js';

export interface OutputOptions {
  json?: boolean;
}

export const printJson = (value: unknown): void => {
  process.stdout.write(safeJson(value, 2) + '\n');
};

/**
 * The current build step on one self-rewriting stderr line, only for a person at a TTY; with --json or when
 * piped, nothing (everything is in the log file anyway).
 */
export function progressSink(opts: OutputOptions): ProgressSink | undefined {
  if (opts.json || !process.stderr.isTTY) return undefined;
  return (title) => process.stderr.write(`\r\x1b[2K▸ ${title}`);
}

export function endProgress(opts: OutputOptions): void {
  if (!opts.json && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

/** A line the user should read that is not an error (stderr, so --json output stays clean). */
export const note = (text: string): void => {
  process.stderr.write(`unik: ${terminalSafe(text)}\n`);
};
