import type { ProgressSink } from '../lib/progress.js';
import { lineProgress, terminalProgress } from '../lib/progress-display.js';
import { safeJson, terminalSafe } from '../lib/terminal-text.js';
import { writeOut } from './stdout.js';

export { stdoutStream, writeOut } from './stdout.js';

export interface OutputOptions {
  json?: boolean;
}

export const printJson = (value: unknown): void => writeOut(safeJson(value, 2) + '\n');

let terminal: ReturnType<typeof terminalProgress> | null = null;

/**
 * Build steps on stderr: for a person at a TTY, one self-rewriting line (step n/total, elapsed time, the tool's
 * current line); when piped, one line per finished step with its duration; with --json, nothing (everything is in
 * the log file anyway).
 */
export function progressSink(opts: OutputOptions): ProgressSink | undefined {
  if (opts.json) return undefined;
  if (!process.stderr.isTTY) return lineProgress(process.stderr);
  terminal ??= terminalProgress(process.stderr);
  return terminal;
}

export function endProgress(opts: OutputOptions): void {
  terminal?.stop();
  if (!opts.json && process.stderr.isTTY) process.stderr.write('\r\x1b[2K');
}

/** A line the user should read that is not an error (stderr, so --json output stays clean). */
export const note = (text: string): void => {
  process.stderr.write(`unik: ${terminalSafe(text)}\n`);
};
