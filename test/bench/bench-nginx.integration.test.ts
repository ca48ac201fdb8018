import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../lib/which.js';
import { ROOT, unik } from '../helpers/cli.js';
import { pidsMatching } from '../helpers/procs.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { tmpTree } from '../helpers/tmp.js';
import { osvHome, productSource } from '../helpers/toolchain.js';

const SUITE = 'unik bench of nginx-osv (integration)';
const osvSrc = productSource('osv', SUITE);
const runtimes = (await Promise.all(['runc', 'crun', 'podman'].map(async (r) => ((await which(r)) ? r : null)))).filter((r): r is string => !!r);
const slirp = await which('slirp4netns');
const root = process.getuid?.() === 0;
const nginx = existsSync('/usr/sbin/nginx');
if (!nginx || !slirp || !root) console.warn(`\n*** SKIPPING ${SUITE}: ${!nginx ? '/usr/sbin/nginx' : !slirp ? 'slirp4netns' : 'root'} missing (scripts/setup.sh installs nginx and slirp4netns) ***\n`);

interface Result {
  kind: string;
  runtime: string;
  readyMs: { median: number } | null;
  peakMemoryKiB: { median: number } | null;
  vsUnikernel: { ready?: number } | null;
}

/**
 * Issue 21 item 6: Debian's nginx as an OSv unikernel against the same binary and libraries in a container
 * (runc, crun, podman: each installed one), all timed to the first HTTP 200 on one host port, with peak memory.
 * One run each: the numbers belong in docs/bench.md, the test checks that every side served and was measured.
 */
describe.skipIf(!osvSrc || !nginx || !slirp || !root)(SUITE, () => {
  let env: { UNIK_HOME: string };
  const app = join(tmpTree(), 'nginx-osv');
  let bench: { exitCode: number | undefined; stderr: string; json: { server: string; results: Result[]; skipped: { runtime: string; reason: string }[] } };

  beforeAll(async () => {
    env = { UNIK_HOME: await osvHome(tmpTree()) };
    cpSync(join(ROOT, 'examples', 'nginx-osv'), app, { recursive: true });
    // A port of its own, so the bench never meets another test's 8280.
    writeFileSync(join(app, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8').replace('"8280:80"', '"18292:80"'));
    const res = await unik(['bench', app, '--runs', '1', '--warmup', '0', '--runtimes', ['unikernel', ...runtimes].join(','), '--json'], env);
    bench = { exitCode: res.exitCode, stderr: res.stderr, json: JSON.parse(res.stdout || '{}') };
  }, BUILD_TIMEOUT);

  afterAll(async () => {
    for (const pid of await pidsMatching(env.UNIK_HOME)) process.kill(pid, 'SIGKILL');
  });

  it('times the unikernel and every container twin to the first 200 on the same port, with peak memory', () => {
    expect(bench.exitCode, bench.stderr).toBe(0);
    expect(bench.json.server).toBe('http://127.0.0.1:18292/');
    expect(bench.json.skipped.filter((s) => s.runtime !== 'docker')).toEqual([]);
    const unikernel = bench.json.results.find((r) => r.kind === 'unikernel')!;
    expect(unikernel.readyMs!.median).toBeGreaterThan(0);
    expect(unikernel.peakMemoryKiB!.median).toBeGreaterThan(0);
    for (const name of runtimes) {
      const twin = bench.json.results.find((r) => r.runtime === name)!;
      expect(twin.readyMs!.median, name).toBeGreaterThan(0);
      expect(twin.peakMemoryKiB, name).not.toBeNull();
      expect(twin.vsUnikernel!.ready).toBeCloseTo(twin.readyMs!.median / unikernel.readyMs!.median, 2);
    }
  });

  it('leaves nothing listening on the port', async () => {
    const { createServer } = await import('node:net');
    await new Promise<void>((resolve, reject) => {
      const s = createServer().once('error', reject);
      s.listen(18292, '127.0.0.1', () => s.close(() => resolve()));
    });
  });
});
