import type { TopLevelSpec } from 'vega-lite';
import type { BenchResult } from './types.js';

const METRICS = [
  { key: 'firstOutputMs', label: 'first output' },
  { key: 'exitMs', label: 'exit' },
] as const;

/**
 * Pure: a Vega-Lite spec: per runtime, one bar per metric at the median, a min–max whisker over it.
 * Declarative, so the layout, axes and legend are the library's job, not string concatenation.
 */
export function chartSpec(r: BenchResult): TopLevelSpec {
  const values = r.results.flatMap((x) =>
    METRICS.map((m) => ({ runtime: x.runtime, metric: m.label, median: x[m.key].median, min: x[m.key].min, max: x[m.key].max })),
  );
  const x = { field: 'runtime', type: 'nominal', sort: r.results.map((x) => x.runtime), title: null, axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'metric', sort: METRICS.map((m) => m.label) } as const;
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${r.app}: unikernel vs container twin`,
      subtitle: `median of ${r.runs} interleaved runs, whiskers min–max; ms from spawning the runtime`,
    },
    width: 640,
    height: 320,
    background: 'white',
    data: { values },
    layer: [
      {
        mark: { type: 'bar', width: { band: 0.9 } },
        encoding: {
          x,
          xOffset,
          y: { field: 'median', type: 'quantitative', title: 'milliseconds' },
          color: { field: 'metric', type: 'nominal', sort: METRICS.map((m) => m.label), title: null, legend: { orient: 'top' } },
          tooltip: [{ field: 'runtime' }, { field: 'metric' }, { field: 'median', format: '.1f' }],
        },
      },
      {
        mark: { type: 'rule', color: 'black' },
        encoding: { x, xOffset, y: { field: 'min', type: 'quantitative' }, y2: { field: 'max' } },
      },
      {
        mark: { type: 'text', dy: -8, fontSize: 10 },
        encoding: { x, xOffset, y: { field: 'max', type: 'quantitative' }, text: { field: 'median', format: '.0f' } },
      },
    ],
  };
}

/** Render the chart to SVG headless: vega's 'none' renderer needs no canvas or DOM. Loaded only for --chart. */
export async function chartSvg(r: BenchResult): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(r)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
