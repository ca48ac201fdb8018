import { humanBytes, table } from '../lib/format.js';
import { sameAppOutput } from './output-match.js';
import type { BenchResult, RuntimeResult, Summary } from './types.js';

const round = (n: number, digits: number): number => Number(n.toFixed(digits));
const roundSummary = (s: Summary): Summary => ({
  median: round(s.median, 2),
  p95: round(s.p95, 2),
  min: round(s.min, 2),
  max: round(s.max, 2),
});

/** Pure: the --json document (milliseconds to 0.01, ratios to 0.001). */
export function benchJson(r: BenchResult) {
  return {
    app: r.app,
    runs: r.runs,
    warmup: r.warmup,
    results: r.results.map((x) => ({
      kind: x.kind,
      runtime: x.runtime,
      firstOutputMs: roundSummary(x.firstOutputMs),
      exitMs: roundSummary(x.exitMs),
      imageBytes: x.imageBytes,
      vsUnikernel: x.vsUnikernel && { firstOutput: round(x.vsUnikernel.firstOutput, 3), exit: round(x.vsUnikernel.exit, 3) },
      output: x.output,
    })),
    skipped: r.skipped,
    footprint: r.footprint,
    notes: r.notes,
    cleanupErrors: r.cleanupErrors,
  };
}

const CSV_HEADER = [
  'kind',
  'runtime',
  'runs',
  'first_output_median_ms',
  'first_output_p95_ms',
  'first_output_min_ms',
  'first_output_max_ms',
  'exit_median_ms',
  'exit_p95_ms',
  'exit_min_ms',
  'exit_max_ms',
  'first_output_vs_unikernel',
  'exit_vs_unikernel',
  'image_bytes',
];

const summaryCells = (s: Summary): number[] => [s.median, s.p95, s.min, s.max];

/** Pure: one row per runtime that ran; the cells are names and numbers only, so nothing needs quoting. */
export function benchCsv(r: BenchResult): string {
  const j = benchJson(r);
  const rows = j.results.map((x) => [
    x.kind,
    x.runtime,
    j.runs,
    ...summaryCells(x.firstOutputMs),
    ...summaryCells(x.exitMs),
    x.vsUnikernel?.firstOutput ?? '',
    x.vsUnikernel?.exit ?? '',
    x.imageBytes,
  ]);
  return [CSV_HEADER, ...rows].map((cells) => cells.join(',')).join('\n') + '\n';
}

const ms = (n: number): string => n.toFixed(1);
const ratio = (n: number): string => `${n.toFixed(2)}×`;

/** Pure: the human report: the table, then footprint, skipped runtimes, output mismatches and notes. */
export function benchText(r: BenchResult): string {
  const head =
    `${r.app}: the unikernel and its container twin, ${r.runs} run${r.runs === 1 ? '' : 's'} each after ` +
    `${r.warmup} warm-up${r.warmup === 1 ? '' : 's'}, interleaved; times in ms from spawning the runtime\n\n`;
  const rows = r.results.map((x: RuntimeResult) => [
    x.runtime,
    ms(x.firstOutputMs.median),
    ms(x.firstOutputMs.p95),
    `${ms(x.firstOutputMs.min)}–${ms(x.firstOutputMs.max)}`,
    ms(x.exitMs.median),
    ms(x.exitMs.p95),
    `${ms(x.exitMs.min)}–${ms(x.exitMs.max)}`,
    x.vsUnikernel ? `${ratio(x.vsUnikernel.firstOutput)} / ${ratio(x.vsUnikernel.exit)}` : '-',
    humanBytes(x.imageBytes),
  ]);
  const body = table(
    ['RUNTIME', 'FIRST OUTPUT median', 'p95', 'min–max', 'EXIT median', 'p95', 'min–max', 'VS UNIKERNEL first / exit', 'IMAGE'],
    rows,
  );
  const lines: string[] = ['', footprintLine(r)];
  const unikernel = r.results.find((x) => x.kind === 'unikernel');
  for (const x of r.results) {
    if (unikernel && x !== unikernel && !sameAppOutput(unikernel.output, x.output)) {
      lines.push(`warning: under ${x.runtime} the twin printed ${JSON.stringify(x.output.trim())}, which the unikernel did not print`);
    }
  }
  for (const s of r.skipped) lines.push(`skipped ${s.runtime}: ${s.reason}`);
  if (r.notes.length) lines.push('', 'what each runtime needed here:', ...r.notes.map((n) => `  ${n}`));
  return head + body + lines.join('\n') + '\n';
}

/** Pure: the attack-surface comparison in one line. */
export function footprintLine(r: BenchResult): string {
  const u = r.footprint.unikernel;
  const c = r.footprint.container;
  const unikernel =
    `unikernel image ${humanBytes(u.imageBytes)}, with ${u.drivers.length} driver${u.drivers.length === 1 ? '' : 's'} ` +
    `(${u.drivers.join(', ') || 'none'}) and ${u.libraries.length} libraries compiled in`;
  const container = c
    ? `container rootfs ${humanBytes(c.rootfsBytes)}: ${c.files} file${c.files === 1 ? '' : 's'}, ` +
      `${c.executables} executable${c.executables === 1 ? '' : 's'}, on the host's shared Linux kernel`
    : 'no container twin was built';
  return `footprint: ${unikernel}; ${container}`;
}
