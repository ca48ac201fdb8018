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
const sample = (firstOutputMs: number, exitMs: number, output = GREETING, peakMemoryKiB: number | null = 2048): Sample => ({ firstOutputMs, exitMs, output, peakMemoryKiB });

const unikernel = contender('unikernel', 'unikernel', 153_736, ['unikernel: QEMU pc, accelerator tcg']);
const runc = contender('runc', 'container', 682_696);
const podman = contender('podman', 'container', 687_173, ['podman: --runtime runc']);
const floor = contender('vmm-floor', 'floor', 5_000);
const vmm = { machine: 'microvm', accel: 'tcg', memoryMiB: 8 };
const result = summarizeBench(
  'hello',
  { runs: 3, warmup: 1 },
  vmm,
  [unikernel, floor, runc, podman],
  new Map([
    [unikernel, [sample(100, 110, `banner\r\n${GREETING}`, 46_000), sample(120, 130, GREETING, 47_000), sample(140, 150, GREETING, 48_000)]],
    [floor, [sample(50, 60, '', 43_000), sample(55, 65, '', 44_000), sample(45, 55, '', 42_000)]],
    [runc, [sample(20, 22), sample(30, 33), sample(25, 27.5)]],
    [podman, [sample(200, 300, 'Hello, moon!\n'), sample(210, 310), sample(190, 290)]],
  ]),
  [{ runtime: 'docker', reason: 'the docker daemon is not running' }],
  null,
  {
    unikernel: { imageBytes: 153_736, drivers: ['KVM_KERNEL_SERIAL_CONSOLE'], libraries: ['libnolibc', 'libukboot'] },
    container: { rootfsBytes: 682_696, files: 1, executables: 1 },
  },
);

describe('summarizeBench', () => {
  it('summarizes each runtime and divides by the unikernel medians', () => {
    const [u, , r, p] = result.results;
    expect(u!.firstOutputMs).toEqual({ median: 120, p95: 138, min: 100, max: 140 });
    expect(u!.vsUnikernel).toEqual({ firstOutput: 1, exit: 1 });
    expect(r!.vsUnikernel!.firstOutput).toBeCloseTo(25 / 120);
    expect(r!.vsUnikernel!.exit).toBeCloseTo(27.5 / 130);
    expect(p!.output).toBe('Hello, moon!\n');
    expect(result.notes).toEqual(['unikernel: QEMU pc, accelerator tcg', 'podman: --runtime runc']);
  });
  it('leaves runtimes without samples out and has no ratios without a unikernel', () => {
    const r = summarizeBench('hello', { runs: 1, warmup: 0 }, null, [runc, podman], new Map([[runc, [sample(1, 2, GREETING, null)]]]), [], null, result.footprint);
    expect(r.results.map((x) => x.runtime)).toEqual(['runc']);
    expect(r.results[0]!.vsUnikernel).toBeNull();
    expect(r.results[0]!.vsFloor).toBeNull();
    expect(r.results[0]!.peakMemoryKiB).toBeNull();
  });
  it('divides every exit by the VMM floor\'s and summarizes peak memory', () => {
    const [u, f, r] = result.results;
    expect(f!.kind).toBe('floor');
    expect(f!.vsFloor).toEqual({ exit: 1 });
    expect(u!.vsFloor!.exit).toBeCloseTo(130 / 60);
    expect(r!.vsFloor!.exit).toBeCloseTo(27.5 / 60);
    expect(u!.peakMemoryKiB).toMatchObject({ median: 47_000, min: 46_000, max: 48_000 });
    expect(r!.peakMemoryKiB!.median).toBe(2048);
  });
});

describe('report', () => {
  it('--json follows the CLI contract', () => {
    const j = benchJson(result);
    expect(Object.keys(j)).toEqual(expect.arrayContaining(['app', 'runs', 'vmm', 'results', 'skipped']));
    expect(j.vmm).toEqual(vmm);
    expect(j.results[1]).toMatchObject({ kind: 'floor', runtime: 'vmm-floor', exitMs: { median: 60 }, peakMemoryKiB: { median: 43_000 } });
    expect(j.results[2]).toMatchObject({
      kind: 'container',
      runtime: 'runc',
      firstOutputMs: { median: 25, p95: 29.5, min: 20, max: 30 },
      peakMemoryKiB: { median: 2048, p95: 2048, min: 2048, max: 2048 },
      imageBytes: 682_696,
      vsUnikernel: { firstOutput: 0.208, exit: 0.212 },
      vsFloor: { exit: 0.458 },
    });
    expect(j.skipped).toEqual([{ runtime: 'docker', reason: 'the docker daemon is not running' }]);
  });
  it('--csv has a header and one row per runtime, the floor\'s included', () => {
    const lines = benchCsv(result).trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]!.split(',')).toHaveLength(lines[3]!.split(',').length);
    expect(lines[0]).toContain('exit_vs_vmm_floor,peak_memory_median_kib');
    expect(lines[2]).toMatch(/^floor,vmm-floor,3,50,/);
    expect(lines[3]).toBe('container,runc,3,25,29.5,20,30,27.5,32.45,22,33,0.208,0.212,0.458,2048,2048,2048,2048,682696,,,,,');
  });
  it('the table shows every runtime, the footprint, skips, mismatched output and notes', () => {
    const text = benchText(result);
    expect(text).toContain('the unikernel (QEMU -M microvm under TCG (software emulation, not KVM))');
    expect(text).toMatch(/^unikernel\s+120\.0\s+138\.0\s+100\.0–140\.0\s+130\.0/m);
    expect(text).toMatch(/^vmm-floor\s+50\.0 .* 1\.00×\s+42\.0 MiB\s+4\.9 KiB$/m);
    expect(text).toMatch(/^runc\s+25\.0 .* 0\.21× \/ 0\.21×\s+0\.46×\s+2\.0 MiB\s+666\.7 KiB$/m);
    expect(text).not.toContain('warning: under vmm-floor');
    expect(text).toContain('skipped docker: the docker daemon is not running');
    expect(text).toContain('warning: under podman the twin printed "Hello, moon!", which the unikernel did not print (its console: "banner');
    expect(text).not.toContain('warning: under runc');
    expect(text).toContain('  podman: --runtime runc');
  });
  it("unik-runtime's row is the unikernel's own console, never taken for a twin that printed something else", () => {
    const podman = result.results.find((x) => x.runtime === 'podman')!;
    const text = benchText({ ...result, results: [...result.results, { ...podman, runtime: 'unik-runtime' }] });
    expect(text).not.toContain('warning: under unik-runtime');
  });
  it('the footprint line compares compiled-in code with the rootfs', () => {
    expect(footprintLine(result)).toBe(
      'footprint: unikernel image 150.1 KiB, with 1 driver (KVM_KERNEL_SERIAL_CONSOLE) and 2 libraries compiled in; ' +
        "container rootfs 666.7 KiB: 1 file, 1 executable, on the host's shared Linux kernel",
    );
  });
});

describe('chart', () => {
  type Panel = { layer: { data: { values: Record<string, unknown>[] }; mark: { type: string; strokeDash?: number[] } }[] };
  it('times: a bar per runtime and metric with min–max whiskers, in bench order, and the floor as a dashed line', () => {
    const spec = chartSpec(result) as unknown as { vconcat: Panel[]; title: { subtitle: string[] } };
    const [times] = spec.vconcat;
    expect(times!.layer[0]!.data.values).toHaveLength(6);
    expect(times!.layer[0]!.data.values[0]).toEqual({ runtime: 'unikernel', metric: 'first output', median: 120, min: 100, max: 140 });
    // The floor's label is the panel's title, never text on the plot where a bar may stand.
    expect(times!.layer.map((l) => l.mark.type)).toEqual(['bar', 'rule', 'text', 'rule']);
    expect((times as unknown as { title: { text: string } }).title.text).toBe('dashed red line: VMM floor, QEMU exits in 60 ms');
    expect(times!.layer[3]!.mark.strokeDash).toBeDefined();
    expect(times!.layer[3]!.data.values[0]).toMatchObject({ value: 60 });
    expect(spec.title.subtitle).toContain('unikernel: QEMU -M microvm under TCG (software emulation, not KVM)');
  });
  it('a tender has no VMM process; a server is drawn to its first HTTP 200', () => {
    const tender = chartSpec({ ...result, vmm: { machine: 'spt', accel: 'none', memoryMiB: 8 } }) as unknown as { title: { subtitle: string[] } };
    expect(tender.title.subtitle).toContain("memory: the tender process's peak RSS; the container's memory cgroup peak");
    const ready = { median: 90, p95: 95, min: 80, max: 99 };
    const server = { ...result, server: 'http://127.0.0.1:8080/', results: result.results.map((x) => ({ ...x, readyMs: x.kind === 'floor' ? null : ready })) };
    const [times] = (chartSpec(server) as unknown as { vconcat: Panel[] }).vconcat;
    expect(times!.layer[0]!.data.values.map((v) => v.metric)).toContain('first HTTP 200');
    const text = benchText(server);
    expect(text).toContain('a server: each runtime timed to its first HTTP 2xx from http://127.0.0.1:8080/ (the same host port), then stopped');
    expect(text).toMatch(/FIRST 200 median .* VS UNIKERNEL first \/ 200\s+VS FLOOR 200/);
  });
  it('memory: the median peak per runtime, the floor\'s RSS as a reference line', () => {
    const [, memory] = (chartSpec(result) as unknown as { vconcat: Panel[] }).vconcat;
    expect(memory!.layer[0]!.data.values.map((v) => v.runtime)).toEqual(['unikernel', 'runc', 'podman']);
    expect(memory!.layer[0]!.data.values[1]).toMatchObject({ median: 2 });
    expect(memory!.layer[3]!.data.values[0]).toMatchObject({ value: 43_000 / 1024 });
  });
  it('renders to SVG without a browser', async () => {
    const svg = await chartSvg(result);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const label of ['unikernel', 'runc', 'podman', 'first output', 'exit', 'VMM floor', 'TCG', 'peak memory']) expect(svg).toContain(label);
  });
});
