import { humanBytes, table } from '../lib/format.js';
import { sameAppOutput } from './output-match.js';
import { FLOOR_ROW, UNIK_RUNTIME_ROW, type BenchResult, type RuntimeResult, type Summary } from './types.js';

const round = (n: number, digits: number): number => Number(n.toFixed(digits));
const roundSummary = (s: Summary, digits = 2): Summary => ({
  median: round(s.median, digits),
  p95: round(s.p95, digits),
  min: round(s.min, digits),
  max: round(s.max, digits),
});

/** Pure: the --json document (milliseconds to 0.01, ratios to 0.001, memory in whole KiB). */
export function benchJson(r: BenchResult) {
  return {
    app: r.app,
    runs: r.runs,
    warmup: r.warmup,
    vmm: r.vmm,
    server: r.server,
    results: r.results.map((x) => ({
      kind: x.kind,
      runtime: x.runtime,
      firstOutputMs: roundSummary(x.firstOutputMs),
      exitMs: roundSummary(x.exitMs),
      readyMs: x.readyMs && roundSummary(x.readyMs),
      peakMemoryKiB: x.peakMemoryKiB && roundSummary(x.peakMemoryKiB, 0),
      imageBytes: x.imageBytes,
      vsUnikernel: x.vsUnikernel && {
        firstOutput: round(x.vsUnikernel.firstOutput, 3),
        exit: round(x.vsUnikernel.exit, 3),
        ...(x.vsUnikernel.ready !== undefined ? { ready: round(x.vsUnikernel.ready, 3) } : {}),
      },
      vsFloor: x.vsFloor && { exit: round(x.vsFloor.exit, 3) },
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
  'exit_vs_vmm_floor',
  'peak_memory_median_kib',
  'peak_memory_p95_kib',
  'peak_memory_min_kib',
  'peak_memory_max_kib',
  'image_bytes',
  'ready_median_ms',
  'ready_p95_ms',
  'ready_min_ms',
  'ready_max_ms',
  'ready_vs_unikernel',
];

const summaryCells = (s: Summary): number[] => [s.median, s.p95, s.min, s.max];

/** Pure: one row per runtime that ran (the VMM floor's too, kind "floor"); names and numbers only, so nothing needs quoting. */
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
    x.vsFloor?.exit ?? '',
    ...(x.peakMemoryKiB ? summaryCells(x.peakMemoryKiB) : ['', '', '', '']),
    x.imageBytes,
    ...(x.readyMs ? summaryCells(x.readyMs) : ['', '', '', '']),
    x.vsUnikernel?.ready ?? '',
  ]);
  return [CSV_HEADER, ...rows].map((cells) => cells.join(',')).join('\n') + '\n';
}

const ms = (n: number): string => n.toFixed(1);
const ratio = (n: number): string => `${n.toFixed(2)}×`;

/** Pure: the accelerator in words a reader cannot mistake: TCG figures are not KVM figures. */
export function vmmWords(vmm: BenchResult['vmm']): string {
  if (!vmm) return 'no unikernel';
  if (vmm.accel === 'none') return `Solo5 ${vmm.machine} tender (no VMM)`;
  return `QEMU -M ${vmm.machine} under ${vmm.accel === 'tcg' ? 'TCG (software emulation, not KVM)' : 'KVM (hardware virtualisation)'}`;
}

/** Pure: the human report: the table, then footprint, skipped runtimes, output mismatches and notes. */
export function benchText(r: BenchResult): string {
  const head =
    `${r.app}: the unikernel (${vmmWords(r.vmm)}) and its container twin, ${r.runs} run${r.runs === 1 ? '' : 's'} each after ` +
    `${r.warmup} warm-up${r.warmup === 1 ? '' : 's'}, interleaved; times in ms from spawning the runtime; ` +
    `${FLOOR_ROW} = QEMU with the unikernel's argv shape booting a guest that exits at once` +
    `${r.server ? `; a server: each runtime timed to its first HTTP 2xx from ${r.server} (the same host port), then stopped` : ''}\n\n`;
  // A server is timed to its first 2xx, not to an exit (which is only our stopping it).
  const end = (x: RuntimeResult) => (r.server && x.readyMs ? x.readyMs : x.exitMs);
  const endRatio = (x: RuntimeResult) => (r.server ? x.vsUnikernel?.ready : x.vsUnikernel?.exit);
  const word = r.server ? '200' : 'exit';
  const rows = r.results.map((x: RuntimeResult) => [
    x.runtime,
    ms(x.firstOutputMs.median),
    ms(x.firstOutputMs.p95),
    `${ms(x.firstOutputMs.min)}–${ms(x.firstOutputMs.max)}`,
    ms(end(x).median),
    ms(end(x).p95),
    `${ms(end(x).min)}–${ms(end(x).max)}`,
    x.vsUnikernel ? `${ratio(x.vsUnikernel.firstOutput)} / ${endRatio(x) !== undefined ? ratio(endRatio(x)!) : '-'}` : '-',
    x.vsFloor ? ratio(x.vsFloor.exit) : '-',
    x.peakMemoryKiB ? humanBytes(Math.round(x.peakMemoryKiB.median * 1024)) : '-',
    humanBytes(x.imageBytes),
  ]);
  const body = table(
    ['RUNTIME', 'FIRST OUTPUT median', 'p95', 'min–max', r.server ? 'FIRST 200 median' : 'EXIT median', 'p95', 'min–max', `VS UNIKERNEL first / ${word}`, `VS FLOOR ${word}`, 'PEAK MEMORY', 'IMAGE'],
    rows,
  );
  const lines: string[] = ['', footprintLine(r)];
  if (r.results.some((x) => x.peakMemoryKiB)) {
    lines.push(
      'peak memory: for the unikernel and the floor, the VMM (or tender) process\'s peak RSS (wait4); for a container, ' +
        'the peak of its memory cgroup (cgroup v1 max_usage_in_bytes): what was charged while it ran, the runtime\'s own ' +
        'init after it joined the cgroup included (podman\'s conmon too), pages cached by earlier runs not; the kernel ' +
        'charges in per-CPU batches of up to 256 KiB, so a tiny app can read 0',
    );
  }
  const unikernel = r.results.find((x) => x.kind === 'unikernel');
  for (const x of r.results) {
    // unik-runtime's row is the unikernel itself (its console shows the container's address): no twin to compare.
    if (unikernel && x.kind === 'container' && x.runtime !== UNIK_RUNTIME_ROW && !sameAppOutput(unikernel.output, x.output)) {
      // Both sides quoted, so a reader sees which one lost or changed the output.
      const console = unikernel.output.trim().slice(-200);
      lines.push(`warning: under ${x.runtime} the twin printed ${JSON.stringify(x.output.trim())}, which the unikernel did not print (its console: ${console ? JSON.stringify(console) : 'nothing'})`);
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
