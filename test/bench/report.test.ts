import { describe, expect, it } from 'vitest';
import { chartSpec, chartSvg } from '../../bench/chart.js';
import { benchCsv, benchJson, benchText, footprintLine } from '../../bench/report.js';
import { summarizeBench } from '../../bench/run-bench.js';
import type { Sample } from '../../bench/containers/timed-run.js';
import type { Contender } from '../../bench/types.js';

const GREETING = 'Hello, world!\n';
const contender = (name: Contender['name'], kind: Contender['kind'], imageBytes: number, notes: string[] = []): Contender => ({
  name,
  kind,
  imageBytes,
  notes,
  runOnce: () => Promise.reject(new Error('not run in unit tests')),
});
const sample = (firstOutputMs: number, exitMs: number, output = GREETING): Sample => ({ firstOutputMs, exitMs, output });

const unikernel = contender('unikernel', 'unikernel', 153_736, ['unikernel: QEMU pc, accelerator tcg']);
const runc = contender('runc', 'container', 682_696);
const podman = contender('podman', 'container', 687_173, ['podman: --runtime runc']);
const result = summarizeBench(
  'hello',
  { runs: 3, warmup: 1 },
  [unikernel, runc, podman],
  new Map([
    [unikernel, [sample(100, 110, `banner\r\n${GREETING}`), sample(120, 130), sample(140, 150)]],
    [runc, [sample(20, 22), sample(30, 33), sample(25, 27.5)]],
    [podman, [sample(200, 300, 'Hello, moon!\n'), sample(210, 310), sample(190, 290)]],
  ]),
  [{ runtime: 'docker', reason: 'the docker daemon is not running' }],
  {
    unikernel: { imageBytes: 153_736, drivers: ['KVM_KERNEL_SERIAL_CONSOLE'], libraries: ['libnolibc', 'libukboot'] },
    container: { rootfsBytes: 682_696, files: 1, executables: 1 },
  },
);

describe('summarizeBench', () => {
  it('summarizes each runtime and divides by the unikernel medians', () => {
    const [u, r, p] = result.results;
    expect(u!.firstOutputMs).toEqual({ median: 120, p95: 138, min: 100, max: 140 });
    expect(u!.vsUnikernel).toEqual({ firstOutput: 1, exit: 1 });
    expect(r!.vsUnikernel!.firstOutput).toBeCloseTo(25 / 120);
    expect(r!.vsUnikernel!.exit).toBeCloseTo(27.5 / 130);
    expect(p!.output).toBe('Hello, moon!\n');
    expect(result.notes).toEqual(['unikernel: QEMU pc, accelerator tcg', 'podman: --runtime runc']);
  });
  it('leaves runtimes without samples out and has no ratios without a unikernel', () => {
    const r = summarizeBench('hello', { runs: 1, warmup: 0 }, [runc, podman], new Map([[runc, [sample(1, 2)]]]), [], result.footprint);
    expect(r.results.map((x) => x.runtime)).toEqual(['runc']);
    expect(r.results[0]!.vsUnikernel).toBeNull();
  });
});

describe('report', () => {
  it('--json follows the CLI contract', () => {
    const j = benchJson(result);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['app', 'runs', 'results', 'skipped']));
    expect(j.results[1]).toMatchObject({
      kind: 'container',
      runtime: 'runc',
      firstOutputMs: { median: 25, p95: 29.5, min: 20, max: 30 },
      imageBytes: 682_696,
      vsUnikernel: { firstOutput: 0.208, exit: 0.212 },
    });
    expect(j.skipped).toEqual([{ runtime: 'docker', reason: 'the docker daemon is not running' }]);
  });
  it('--csv has a header and one row per runtime', () => {
    const lines = benchCsv(result).trimEnd().split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]!.split(',')).toHaveLength(lines[2]!.split(',').length);
    expect(lines[2]).toBe('container,runc,3,25,29.5,20,30,27.5,32.45,22,33,0.208,0.212,682696');
  });
  it('the table shows every runtime, the footprint, skips, mismatched output and notes', () => {
    const text = benchText(result);
    expect(text).toMatch(/^unikernel\s+120\.0\s+138\.0\s+100\.0–140\.0\s+130\.0/m);
    expect(text).toMatch(/^runc\s+25\.0 .* 0\.21× \/ 0\.21×\s+666\.7 KiB$/m);
    expect(text).toContain('skipped docker: the docker daemon is not running');
    expect(text).toContain('warning: under podman the twin printed "Hello, moon!"');
    expect(text).not.toContain('warning: under runc');
    expect(text).toContain('  podman: --runtime runc');
  });
  it('the footprint line compares compiled-in code with the rootfs', () => {
    expect(footprintLine(result)).toBe(
      'footprint: unikernel image 150.1 KiB, with 1 driver (KVM_KERNEL_SERIAL_CONSOLE) and 2 libraries compiled in; ' +
        "container rootfs 666.7 KiB: 1 file, 1 executable, on the host's shared Linux kernel",
    );
  });
});

describe('chart', () => {
  it('has a bar per runtime and metric with min–max whiskers, in bench order', () => {
    const spec = chartSpec(result) as unknown as { data: { values: Record<string, unknown>[] }; layer: { mark: { type: string } }[] };
    expect(spec.data.values).toHaveLength(6);
    expect(spec.data.values[0]).toEqual({ runtime: 'unikernel', metric: 'first output', median: 120, min: 100, max: 140 });
    expect(spec.layer.map((l) => l.mark.type)).toEqual(['bar', 'rule', 'text']);
  });
  it('renders to SVG without a browser', async () => {
    const svg = await chartSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['unikernel', 'runc', 'podman', 'first output', 'exit']) expect(svg).toContain(label);
  });
});
