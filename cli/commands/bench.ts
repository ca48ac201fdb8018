import { resolve } from 'node:path';
import { writeFileAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import { parseBenchFlags, type BenchChoices, type BenchFlags } from '../../bench/options.js';
import type { ImageRecord } from '../../images/record.js';
import { benchCsv, benchJson, benchText } from '../../bench/report.js';
import { runBench } from '../../bench/run-bench.js';
import { endProgress, printJson, progressSink, writeOut } from '../output.js';
import { isAppDir, storedImage } from '../resolve-image.js';

export async function benchCommand(dir: string, flags: BenchFlags): Promise<void> {
  const choices = parseBenchFlags(flags);
  // A directory with unik.yaml is built; anything else names a stored image or a pulled REF.
  const image = isAppDir(dir) ? undefined : await storedImage(dir);
  // Ctrl-C stops the current run and lets the bench remove its containers, images and daemon before exiting;
  // a second Ctrl-C quits at once. `on`, not `once`: execa's exit hook re-raises a signal nobody else handles.
  const abort = new AbortController();
  const onSignal = (): void => {
    if (abort.signal.aborted) process.exit(130);
    process.stderr.write('\nunik: interrupted; removing what the bench created (Ctrl-C again to quit at once)\n');
    abort.abort(new Error('interrupted'));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (choices.density) {
    try {
      return await densityCommand(dir, image, choices, flags, abort.signal);
    } finally {
      endProgress(flags);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  }
  let result;
  try {
    result = await runBench({ dir, ...(image ? { image } : {}), ...choices, progress: progressSink(flags), signal: abort.signal });
  } finally {
    endProgress(flags);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  const written: string[] = [];
  if (choices.csv) {
    await writeFileAtomic(resolve(choices.csv), benchCsv(result));
    written.push(`csv:   ${resolve(choices.csv)}`);
  }
  if (choices.chart) {
    const { chartSvg } = await import('../../bench/chart.js');
    await writeFileAtomic(resolve(choices.chart), await chartSvg(result));
    written.push(`chart: ${resolve(choices.chart)}`);
  }
  // Without --chart, say where one would go: a chart is worth drawing, but a command that writes files nobody asked for is not.
  if (!choices.chart) written.push(`chart: not drawn; --chart ${result.app}-bench.svg writes one (SVG, next to a --csv too)`);
  if (flags.json) printJson(benchJson(result));
  else writeOut(benchText(result) + `\n${written.join('\n')}\n`);
  if (result.cleanupErrors.length) {
    throw failure('the bench could not remove everything it created', result.cleanupErrors.join('\n'));
  }
}

/** `unik bench --density N,…`: the density rows, as text, JSON and chart. */
async function densityCommand(dir: string, image: ImageRecord | undefined, choices: BenchChoices, flags: BenchFlags, signal: AbortSignal): Promise<void> {
  const { benchDensity } = await import('../../bench/density-bench.js');
  const { densityChartSpec, densityText } = await import('../../bench/density-report.js');
  const report = await benchDensity({ dir, ...(image ? { image } : {}), platform: choices.platform, counts: choices.density!, snapshot: choices.snapshot, unikernel: choices.runtimes?.includes('unikernel') ?? true, crun: choices.runtimes?.includes('crun') ?? true, progress: progressSink(flags), signal });
  if (choices.chart) {
    const { specSvg } = await import('../../bench/chart.js');
    await writeFileAtomic(resolve(choices.chart), await specSvg(densityChartSpec(report)));
  }
  if (flags.json) printJson(report);
  else writeOut(`${densityText(report)}\n${choices.chart ? `chart: ${resolve(choices.chart)}\n` : ''}`);
}
