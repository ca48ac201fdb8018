import type { TopLevelSpec } from 'vega-lite';
import { vmmWords } from './report.js';
import type { BenchResult } from './types.js';

const METRICS = [
  { key: 'firstOutputMs', label: 'first output' },
  { key: 'exitMs', label: 'exit' },
] as const;
/** A server's runs end at its first HTTP 2xx (then it is stopped): that is the second bar. */
const SERVER_METRICS = [METRICS[0], { key: 'readyMs', label: 'first HTTP 200' }] as const;

const FLOOR_COLOR = '#d62728';
const WIDTH = 640;

type Row = { runtime: string; median: number; min: number; max: number; metric?: string };

/** Bars at the median (`bar`: mark and encoding extras), a min–max whisker over each, the median written above it. */
function bars(values: Row[], x: object, bar: { mark: object; encoding: object }, format: string) {
  return [
    { data: { values }, mark: { type: 'bar', ...bar.mark }, encoding: { ...x, ...bar.encoding } },
    { data: { values }, mark: { type: 'rule', color: 'black' }, encoding: { ...x, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } } },
    { data: { values }, mark: { type: 'text', dy: -8, fontSize: 10 }, encoding: { ...x, y: { field: 'max', type: 'quantitative' }, text: { field: 'median', format } } },
  ];
}

/**
 * A dashed horizontal reference line at `value` on the y axis. Its label is the panel's title, not text on the
 * plot, where it would run into whichever bar stands at that height.
 */
const referenceLine = (value: number) => [
  { data: { values: [{ value }] }, mark: { type: 'rule', color: FLOOR_COLOR, strokeDash: [6, 4], strokeWidth: 1.5 }, encoding: { y: { field: 'value', type: 'quantitative' } } },
];
const floorTitle = (text: string) => ({ text: `dashed red line: ${text}`, color: FLOOR_COLOR, fontSize: 11, fontWeight: 'normal', anchor: 'end' });

/**
 * Pure: a Vega-Lite spec in two panels. Times: per runtime, one bar per metric at the median with a min–max
 * whisker, and the VMM floor (QEMU booting a guest that exits at once) as a dashed reference line. Memory: the
 * median peak per runtime with the floor's RSS as the same kind of line. The subtitle names the accelerator.
 */
export function chartSpec(r: BenchResult): TopLevelSpec {
  const shown = r.results.filter((x) => x.kind !== 'floor');
  const floor = r.results.find((x) => x.kind === 'floor');
  const axis = (order: string[]) => ({ field: 'runtime', type: 'nominal', sort: order, title: null, axis: { labelAngle: 0 } });
  const metrics = r.server ? SERVER_METRICS : METRICS;
  const times: Row[] = shown.flatMap((b) =>
    metrics.flatMap((m) => {
      const s = b[m.key];
      return s ? [{ runtime: b.runtime, metric: m.label, median: s.median, min: s.min, max: s.max }] : [];
    }),
  );
  const memory: Row[] = shown.flatMap((b) =>
    b.peakMemoryKiB ? [{ runtime: b.runtime, median: b.peakMemoryKiB.median / 1024, min: b.peakMemoryKiB.min / 1024, max: b.peakMemoryKiB.max / 1024 }] : [],
  );
  const metricX = { x: axis(shown.map((b) => b.runtime)), xOffset: { field: 'metric', sort: metrics.map((m) => m.label) } };
  const timePanel = {
    ...(floor ? { title: floorTitle(`VMM floor, QEMU exits in ${floor.exitMs.median.toFixed(0)} ms`) } : {}),
    width: WIDTH,
    height: 300,
    layer: [
      ...bars(times, metricX, {
        mark: { width: { band: 0.9 } },
        encoding: {
          y: { field: 'median', type: 'quantitative', title: 'milliseconds' },
          color: { field: 'metric', type: 'nominal', sort: metrics.map((m) => m.label), title: null, legend: { orient: 'top' } },
        },
      }, '.0f'),
      ...(floor ? referenceLine(floor.exitMs.median) : []),
    ],
  };
  const memoryPanel = {
    ...(floor?.peakMemoryKiB ? { title: floorTitle(`VMM floor, ${(floor.peakMemoryKiB.median / 1024).toFixed(1)} MiB`) } : {}),
    width: WIDTH,
    height: 160,
    layer: [
      ...bars(memory, { x: axis(memory.map((m) => m.runtime)) }, { mark: { color: '#7f7f7f', width: { band: 0.45 } }, encoding: { y: { field: 'median', type: 'quantitative', title: 'peak memory, MiB' } } }, '.1f'),
      ...(floor?.peakMemoryKiB ? referenceLine(floor.peakMemoryKiB.median / 1024) : []),
    ],
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${r.app}: unikernel vs container twin`,
      subtitle: [
        `median of ${r.runs} interleaved runs, whiskers min–max; ms from spawning the runtime` +
          (r.server ? `; a server, each stopped at its first HTTP 200 from ${r.server}` : ''),
        `unikernel: ${vmmWords(r.vmm)}`,
        // A Solo5 tender runs the guest itself: there is no VMM process to speak of.
        `memory: the ${r.vmm?.accel === 'none' ? 'tender' : 'VMM'} process's peak RSS; the container's memory cgroup peak`,
      ],
    },
    background: 'white',
    vconcat: memory.length ? [timePanel, memoryPanel] : [timePanel],
  } as TopLevelSpec;
}

/** Render the chart to SVG headless: vega's 'none' renderer needs no canvas or DOM. Loaded only for --chart. */
export const chartSvg = (r: BenchResult): Promise<string> => specSvg(chartSpec(r));

/** Any Vega-Lite spec to SVG, the same way. */
export async function specSvg(spec: TopLevelSpec): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
