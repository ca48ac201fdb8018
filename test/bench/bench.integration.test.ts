import { execa } from 'execa';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { sameAppOutput } from '../../bench/output-match.js';
import { unikRuntimeBin } from '../../bench/containers/unik-runtime.js';
import { which } from '../../lib/which.js';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

interface Summary {
  median: number;
  p95: number;
  min: number;
  max: number;
}
interface BenchJson {
  app: string;
  runs: number;
  vmm: { machine: string; accel: string; memoryMiB: number };
  results: { kind: string; runtime: string; firstOutputMs: Summary; exitMs: Summary; peakMemoryKiB: Summary | null; vsFloor: { exit: number }; imageBytes: number; output: string }[];
  skipped: { runtime: string; reason: string }[];
}

const SUITE = 'unik bench integration tests';
const unikraftSrc = productSource('unikraft', SUITE);
const found = Object.fromEntries(
  await Promise.all(['qemu-system-x86_64', 'gcc', 'runc', 'crun', 'podman', 'docker', 'dockerd'].map(async (b) => [b, await which(b)] as const)),
);
const missing = [
  !found['qemu-system-x86_64'] && 'qemu-system-x86_64 (apt install qemu-system-x86)',
  !found.gcc && 'gcc (apt install gcc)',
  !found.runc && 'runc (apt install runc)',
  process.getuid?.() !== 0 && 'root (the runc/crun bundles are rootful)',
].filter((m): m is string => Boolean(m));
if (unikraftSrc && missing.length) console.warn(`\n*** SKIPPING ${SUITE}: missing ${missing.join('; ')} ***\n`);

/** Every runtime installed here; docker counts when unik could start a private daemon for it; unik-runtime when built. */
const runtimes = [
  'unikernel', ...(found.podman && existsSync(unikRuntimeBin()) ? ['unik-runtime'] : []),
  'runc', 'crun', 'podman', ...(found.docker && found.dockerd ? ['docker'] : []),
].filter((r) => r === 'unikernel' || r === 'unik-runtime' || found[r]);

/** What a runtime lists on the host's own state, to compare before and after. */
async function hostListing(file: string | null | undefined, args: string[]): Promise<string[]> {
  if (!file) return [];
  const res = await execa(file, args, { reject: false, stdin: 'ignore' });
  return res.stdout.split('\n').filter(Boolean).sort();
}
/** Directories runtimes create outside unik's tree (state roots, parent cgroups): the bench must not leave new ones. */
const RESIDUE = ['/run/docker', '/run/containerd', '/run/runc', '/run/crun', '/run/libpod', '/run/containers', '/var/lib/containers', ...['docker', 'libpod_parent'].flatMap((c) => [
  `/sys/fs/cgroup/memory/${c}`,
  `/sys/fs/cgroup/pids/${c}`,
  `/sys/fs/cgroup/unified/${c}`,
])];
// Listing runc's default root or podman's default store would create them; an absent one holds no containers.
const hostState = async () => ({
  runc: existsSync('/run/runc') ? await hostListing(found.runc, ['list', '-q']) : [],
  podman: existsSync('/var/lib/containers/storage') ? await hostListing(found.podman, ['ps', '--all', '--quiet']) : [],
  residue: RESIDUE.filter((d) => existsSync(d)),
  // The bench's own parent cgroup (memory peaks) in every hierarchy: named unik-bench-<id>.
  benchCgroups: readdirSync('/sys/fs/cgroup').flatMap((h) => {
    try {
      return readdirSync(join('/sys/fs/cgroup', h)).filter((d) => d.startsWith('unik-bench-')).map((d) => `${h}/${d}`);
    } catch {
      return [];
    }
  }),
});

describe('unik bench: flags', () => {
  it('a bad flag is one line naming it, exit 2, before anything is built', async () => {
    const res = await unik(['bench', 'examples/hello-unikraft', '--runs', 'many']);
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe('unik: --runs: expected a whole number from 1 to 1000, found "many"');
  });
});

describe.skipIf(!unikraftSrc || missing.length > 0)('unik bench examples/hello-unikraft (integration: QEMU and real containers)', () => {
  const home = tmpTree();
  const out = tmpTree();
  const env = { UNIK_HOME: home };
  let before: Awaited<ReturnType<typeof hostState>>;
  let bench: { exitCode: number | undefined; stderr: string; json: BenchJson };

  beforeAll(async () => {
    const add = await unik(['sources', 'add', 'unikraft', unikraftSrc!, '--json'], env);
    expect(add.exitCode, add.stderr).toBe(0);
    before = await hostState();
    const res = await unik(
      ['bench', 'examples/hello-unikraft', '--runs', '3', '--warmup', '1', '--runtimes', runtimes.join(','), '--json',
        '--csv', join(out, 'bench.csv'), '--chart', join(out, 'bench.svg')],
      env,
    );
    bench = { exitCode: res.exitCode, stderr: res.stderr, json: JSON.parse(res.stdout || '{}') as BenchJson };
  }, BUILD_TIMEOUT);

  afterAll(() => {
    for (const dir of [home, out]) rmSync(dir, { recursive: true, force: true });
  });

  it('runs every runtime present, skipping none', () => {
    expect(bench.exitCode, bench.stderr).toBe(0);
    expect(bench.json.skipped).toEqual([]);
    expect(bench.json.results.map((r) => r.runtime)).toEqual(['unikernel', 'vmm-floor', ...runtimes.slice(1)]);
    expect(bench.json).toMatchObject({ app: 'hello-unikraft', runs: 3, vmm: { machine: 'microvm', memoryMiB: 8 } });
  });

  it('measures the VMM floor in the same rounds, and every exit as a multiple of it', () => {
    const floor = bench.json.results.find((r) => r.kind === 'floor')!;
    expect(floor.vsFloor.exit).toBe(1);
    for (const r of bench.json.results) expect(r.vsFloor.exit, r.runtime).toBeCloseTo(r.exitMs.median / floor.exitMs.median, 2);
  });

  it('measures peak memory: QEMU\'s RSS for the unikernel and the floor, each container\'s cgroup peak', () => {
    const [unikernel, floor, ...containers] = bench.json.results;
    // A QEMU process holds tens of MiB whatever the guest; the unikernel's adds the pages its guest touched.
    expect(floor!.peakMemoryKiB!.median).toBeGreaterThan(8 * 1024);
    expect(unikernel!.peakMemoryKiB!.median).toBeGreaterThanOrEqual(floor!.peakMemoryKiB!.min);
    for (const c of containers) {
      expect(c.peakMemoryKiB, c.runtime).not.toBeNull();
      expect(c.peakMemoryKiB!.max, c.runtime).toBeLessThan(256 * 1024);
    }
    // runc's Go init joins the container's cgroup before it execs the app: megabytes, never nothing.
    expect(containers.find((c) => c.runtime === 'runc')!.peakMemoryKiB!.median).toBeGreaterThan(512);
  });

  it('measures real, positive, consistent times and sizes', () => {
    for (const r of bench.json.results) {
      for (const s of [r.firstOutputMs, r.exitMs]) {
        expect(s.min, r.runtime).toBeGreaterThan(0);
        expect(s.median, r.runtime).toBeGreaterThanOrEqual(s.min);
        expect(s.p95, r.runtime).toBeGreaterThanOrEqual(s.median);
        expect(s.max, r.runtime).toBeGreaterThanOrEqual(s.p95);
      }
      // Each run exits after its first output, so every order statistic does too.
      expect(r.exitMs.median, r.runtime).toBeGreaterThanOrEqual(r.firstOutputMs.median);
      expect(r.imageBytes, r.runtime).toBeGreaterThan(0);
    }
  });

  it('the twin prints what the unikernel prints, under every runtime', () => {
    const [unikernel, , ...containers] = bench.json.results;
    expect(unikernel!.kind).toBe('unikernel');
    expect(unikernel!.output).toContain('Hello, world! (from a unik-built unikernel)');
    for (const c of containers) {
      expect(c.kind).toBe('container');
      // unik-runtime's row boots the unikernel itself: its console, through podman.
      if (c.runtime === 'unik-runtime') expect(c.output).toContain('Hello, world! (from a unik-built unikernel)');
      else expect(c.output.trim(), c.runtime).toBe('Hello, world! (from a unik-built unikernel)');
      expect(sameAppOutput(unikernel!.output, c.output), c.runtime).toBe(true);
    }
  });

  it('writes the CSV and an SVG chart', () => {
    const csv = readFileSync(join(out, 'bench.csv'), 'utf8').trimEnd().split('\n');
    expect(csv).toHaveLength(runtimes.length + 2);
    expect(csv.some((row) => row.startsWith('floor,vmm-floor,3,'))).toBe(true);
    const svg = readFileSync(join(out, 'bench.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const r of runtimes) expect(svg).toContain(r);
    for (const label of ['VMM floor', 'TCG', 'peak memory']) expect(svg).toContain(label);
  });

  it('leaves nothing behind: no containers, bundles, state dirs, mounts or daemons', async () => {
    expect(await hostState()).toEqual(before);
    const benchDir = join(home, 'bench');
    expect(existsSync(benchDir) ? readdirSync(benchDir) : []).toEqual([]);
    expect(readFileSync('/proc/self/mounts', 'utf8')).not.toContain(home);
    const daemons = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .map((p) => {
        try {
          return readFileSync(join('/proc', p, 'cmdline'), 'utf8');
        } catch {
          return '';
        }
      })
      .filter((cmd) => cmd.includes(home));
    expect(daemons).toEqual([]);
  });
});
