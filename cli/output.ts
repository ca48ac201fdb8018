import type { ProgressSink } from '../targets/toolchain.js';

export interface OutputOptions {
  json?: boolean;
}

export const printJson = (value: unknown): void => {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
};

/** Plain aligned columns; no colours, so output pipes cleanly. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

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

export const humanBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
