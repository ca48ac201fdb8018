import { terminalSafe } from './terminal-text.js';

/** Plain aligned columns; no colours, so output pipes cleanly. */
export function table(header: string[], rawRows: string[][]): string {
  const rows = rawRows.map((r) => r.map((c) => terminalSafe(c)));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

export const humanBytes = (n: number): string =>
  n < 1024 ? `${n} B` : n < 1024 ** 2 ? `${(n / 1024).toFixed(1)} KiB` : `${(n / 1024 ** 2).toFixed(1)} MiB`;
