import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../lib/which.js';
import { ROOT, unik } from '../helpers/cli.js';
import { pidsMatching } from '../helpers/procs.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const SUITE = 'unik bench of a server (integration)';
const sources = { unikraft: productSource('unikraft', SUITE), 'lib-lwip': productSource('lib-lwip', SUITE), 'fork-lwip': productSource('fork-lwip', SUITE) };
const podman = await which('podman');
const ready = Object.values(sources).every(Boolean) && process.getuid?.() === 0;
if (!podman) console.warn(`\n*** ${SUITE}: podman is not installed (apt install podman slirp4netns): only the unikernel is timed ***\n`);

interface Summary {
  median: number;
  min: number;
}
interface Result {
  kind: string;
  runtime: string;
  readyMs: Summary | null;
  exitMs: Summary;
  vsUnikernel: { ready?: number } | null;
}

/** A server (http-unikraft) is timed to its first HTTP 200, unikernel and container twin alike, on one port. */
describe.skipIf(!ready)(SUITE, () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  const app = join(tmpTree(), 'http-unikraft');
  let bench: { exitCode: number | undefined; stderr: string; json: { server: string; results: Result[]; skipped: { runtime: string; reason: string }[] } };

  beforeAll(async () => {
    for (const [name, path] of Object.entries(sources)) expect((await unik(['sources', 'add', name, path!], env)).exitCode).toBe(0);
    cpSync(join(ROOT, 'examples', 'http-unikraft'), app, { recursive: true });
    // A port of its own, so the bench never meets another program's 8080.
    writeFileSync(join(app, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8').replace('"8080:80"', '"18291:80"'));
    const res = await unik(['bench', app, '--runs', '2', '--warmup', '0', '--runtimes', ['unikernel', 'runc', ...(podman ? ['podman'] : [])].join(','), '--json'], env);
    bench = { exitCode: res.exitCode, stderr: res.stderr, json: JSON.parse(res.stdout || '{}') };
  }, BUILD_TIMEOUT);

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('times the unikernel and the twin to the first 200 on the same port, and stops both', async () => {
    expect(bench.exitCode, bench.stderr).toBe(0);
    expect(bench.json.server).toBe('http://127.0.0.1:18291/');
    const unikernel = bench.json.results.find((r) => r.kind === 'unikernel')!;
    expect(unikernel.readyMs!.min).toBeGreaterThan(0);
    if (podman) {
      const twin = bench.json.results.find((r) => r.runtime === 'podman')!;
      expect(twin.readyMs!.min).toBeGreaterThan(0);
      expect(twin.vsUnikernel!.ready).toBeCloseTo(twin.readyMs!.median / unikernel.readyMs!.median, 2);
    }
    // Nothing still listens: both were stopped once they answered.
    const { createServer } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = createServer().once('error', reject);
      s.listen(18291, '127.0.0.1', () => s.close(() => resolve()));
    });
  });

  it('publishes the port for runc too (slirp4netns), timed the same way', () => {
    const runc = bench.json.results.find((r) => r.runtime === 'runc');
    expect(runc?.readyMs!.min, JSON.stringify(bench.json.skipped)).toBeGreaterThan(0);
  });

  it('--density 2: two unikernels, then two crun twins, each on its own port, all answering, measured, and stopped', async () => {
    // The image is the one the bench above built (a cache hit here); the twins each get a namespace and slirp4netns.
    const res = await unik(['bench', app, '--density', '2', '--runtimes', 'unikernel,crun', '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const rows = (JSON.parse(res.stdout) as { rows: { n: number; mode: string; error?: string; allReadyMs: number; readyMs: Summary; pssKiB: { total: number; perInstance: number; network?: number } }[] }).rows;
    expect(rows.map((r) => `${r.mode}${r.error ? `: ${r.error}` : ''}`)).toEqual(['cold', 'crun']);
    for (const r of rows) {
      expect(r.readyMs.min).toBeGreaterThan(0);
      expect(r.allReadyMs).toBeGreaterThanOrEqual(r.readyMs.max);
      expect(r.pssKiB.perInstance).toBeGreaterThan(0);
    }
    const crun = rows.find((r) => r.mode === 'crun')!;
    // slirp4netns and the namespace's holder are counted, and are part of the total.
    expect(crun.pssKiB.network).toBeGreaterThan(0);
    expect(crun.pssKiB.total).toBeGreaterThan(crun.pssKiB.network!);
    // Nothing left: no runtime, container, slirp4netns or holder (their paths are under this home), no bench dir, no cgroup.
    expect(await pidsMatching(home)).toEqual([]);
    expect(readdirSync(join(home, 'bench'))).toEqual([]);
    const cgroups = ['/sys/fs/cgroup', '/sys/fs/cgroup/pids'].filter((d) => existsSync(d)).flatMap((d) => readdirSync(d));
    expect(cgroups.filter((d) => d.startsWith('unik-density-'))).toEqual([]);
  }, 120_000);
});
