import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { sameAppOutput } from '../../bench/output-match.js';
import { loadManifest } from '../../manifest/load.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { mirageHome } from '../helpers/toolchain.js';

const home = await mirageHome('MirageOS unix twin integration test', ['unix'], () => tmpTree());

describe.skipIf(!home)('buildMirageUnixTwin (integration, real mirage unix build)', () => {
  it('builds hello-mirage for unix as a static, stripped binary that prints what the unikernel prints', async () => {
    const app = join(tmpTree(), 'hello-mirage');
    cpSync(join(ROOT, 'examples', 'hello-mirage'), app, { recursive: true });
    const saved = process.env.UNIK_HOME;
    process.env.UNIK_HOME = home!;
    try {
      const { buildMirageUnixTwin } = await import('../../targets/mirage/twin.js');
      const bin = await buildMirageUnixTwin(loadManifest(app));
      expect(bin.startsWith(join(home!, 'builds'))).toBe(true);
      // Static: no program interpreter, so it runs in an empty container root.
      expect(readFileSync(bin).includes(Buffer.from('/lib64/ld-linux'))).toBe(false);
      expect(execFileSync(bin, { stdio: ['ignore', 'pipe', 'ignore'] }).toString()).toBe('Hello from MirageOS\n');
      expect(readdirSync(app).sort()).toEqual(['unik.yaml', 'unikernel.ml']);
    } finally {
      if (saved === undefined) delete process.env.UNIK_HOME;
      else process.env.UNIK_HOME = saved;
    }
  }, BUILD_TIMEOUT);

  it('unik bench pits hello-mirage on spt against its unix twin under runc, with the same output', async () => {
    const res = await unik(['bench', join(ROOT, 'examples', 'hello-mirage'), '--runs', '2', '--warmup', '0', '--runtimes', 'unikernel,runc', '--json'], { UNIK_HOME: home! });
    expect(res.exitCode, res.stderr).toBe(0);
    const bench = JSON.parse(res.stdout) as { results: { runtime: string; kind: string; output: string; exitMs: { median: number } }[]; skipped: unknown[] };
    expect(bench.skipped).toEqual([]);
    const [uk, runc] = ['unikernel', 'runc'].map((r) => bench.results.find((x) => x.runtime === r)!);
    expect(uk!.output).toContain('Hello from MirageOS');
    expect(sameAppOutput(uk!.output, runc!.output)).toBe(true);
    expect(uk!.exitMs.median).toBeGreaterThan(0);
    expect(runc!.exitMs.median).toBeGreaterThan(0);
  }, BUILD_TIMEOUT);
});
