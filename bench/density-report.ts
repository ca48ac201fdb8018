import type { TopLevelSpec } from 'vega-lite';
import { table } from '../lib/format.js';
import type { DensityReport } from './density-bench.js';

const mib = (kib: number) => (kib / 1024).toFixed(1);

/** Pure: the text table of a density bench. */
export function densityText(r: DensityReport): string {
  const rows = r.rows.map((x) => 'error' in x ? [String(x.n), x.mode, `not measured: ${x.error}`] : [
    String(x.n),
    x.mode,
    x.allReadyMs.toFixed(0),
    x.startsPerSecond.toFixed(2),
    x.readyMs.median.toFixed(0),
    mib(x.pssKiB.total),
    mib(x.pssKiB.perInstance),
  ]);
  return [
    `${r.image}: N instances started at once, each on its own 127.0.0.1 port; memory = PSS from /proc/PID/smaps_rollup once all answered`,
    table(['instances', 'start', 'all answer 200, ms', 'starts/s', 'median 200, ms', 'PSS total, MiB', 'PSS each, MiB'], rows),
    ...r.rows.flatMap((x) => ('error' in x || x.pssKiB.network === undefined ? [] : [
      `crun, N = ${x.n}: PSS counts crun's monitor, the container's processes, and its network (slirp4netns and the namespace's holder: ${mib(x.pssKiB.network)} MiB of the total)`,
    ])),
    `load average ${r.load.before.toFixed(2)} before, ${r.load.after.toFixed(2)} after`,
  ].join('\n');
}

/** Pure: panels against the instance count (time until all answer 200, PSS per instance and in total), one line per start mode: the unikernel cold, restored, and its twin under crun on the same axes. */
export function densityChartSpec(r: DensityReport): TopLevelSpec {
  const values = r.rows.flatMap((x) => ('error' in x ? [] : [x])).map((x) => ({ n: x.n, mode: x.mode, allReadyMs: x.allReadyMs, pssMiB: x.pssKiB.perInstance / 1024, totalMiB: x.pssKiB.total / 1024 }));
  const panel = (field: string, title: string) => ({
    width: 480,
    height: 220,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'n', type: 'quantitative', title: 'instances started at once' },
      y: { field, type: 'quantitative', title },
      color: { field: 'mode', type: 'nominal', title: null, legend: { orient: 'top' } },
    },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: `${r.image}: density, unikernels and containers`, subtitle: [`load average ${r.load.before.toFixed(2)} → ${r.load.after.toFixed(2)}`] },
    background: 'white',
    hconcat: [panel('allReadyMs', 'ms until all answer 200'), panel('pssMiB', 'PSS per instance, MiB'), panel('totalMiB', 'PSS total, MiB')],
  } as TopLevelSpec;
}
