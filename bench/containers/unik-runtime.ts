import { execa } from 'execa';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import { runStep } from '../../lib/steps.js';
import { which } from '../../lib/which.js';
import { cgroupParentArgv } from '../../lib/memory-cgroup.js';
import type { ImageRecord } from '../../images/record.js';
import { exportImage } from '../../oci/archive.js';
import { PODMAN_HOST_PATHS, podmanDirs, podmanGlobalArgv, podmanRunArgv, podmanUlimits } from './podman.js';
import { cgroupDirs, watchResidue, type Residue } from './residue.js';
import { notInstalled, type Probe, type RuntimeContext, type ServerRun } from './runtime.js';
import { timedRun, type Sample } from './timed-run.js';

/** The runtime's bin in this package (npm run build makes it). */
export const unikRuntimeBin = (): string => join(packageRoot(), 'dist', 'runtime', 'unik-runtime.cjs');

export interface UnikRuntimeRow {
  probe(): Promise<Probe>;
  /** Load the unikernel's own image (an OCI archive of it) into a private podman store; its bytes. */
  prepare(image: ImageRecord): Promise<number>;
  runOnce(server?: ServerRun): Promise<Sample>;
  notes(): string[];
  cleanup(): Promise<void>;
}

/**
 * `unik bench --runtimes …,unik-runtime`: `podman run --rm` of the unikernel's own image under unik-runtime (the
 * unikernel as a container), in podman's shape for the twin: a private store, --network none, or a server's ports
 * through slirp4netns. The twin is not needed: the image is the one the unikernel row boots.
 */
export function unikRuntimeRow(ctx: RuntimeContext): UnikRuntimeRow {
  const dir = join(ctx.dir, 'unik-runtime');
  const dirs = podmanDirs(dir, `${ctx.tag}-u`, tmpdir());
  const ulimits = podmanUlimits(ctx.host);
  const runtime = unikRuntimeBin();
  const global = podmanGlobalArgv(dirs, null);
  let bin = '';
  let ref = '';
  let residue: Residue | null = null;
  let n = 0;
  const podman = (title: string, args: string[]) => runStep(title, bin, [...global, ...args]);
  return {
    async probe() {
      const found = await which('podman');
      if (!found) return notInstalled('podman', 'podman');
      if (!existsSync(runtime)) return { ok: false, reason: `${runtime} is missing (npm run build makes it)` };
      bin = found;
      return { ok: true };
    },
    async prepare(image) {
      residue = watchResidue([...cgroupDirs(ctx.host.cgroupMounts, ['libpod_parent/conmon', 'libpod_parent']), ...PODMAN_HOST_PATHS]);
      await fsp.mkdir(dir, { recursive: true });
      const tar = join(dir, 'image.tar');
      await exportImage(image, tar);
      const loaded = await podman('podman load', ['load', '-q', '-i', tar]);
      ref = /Loaded image(?:\(s\))?: (\S+)/.exec(loaded)?.[1] ?? `localhost/${image.name}:latest`;
      return Number(await podman('podman image inspect', ['image', 'inspect', '--format', '{{.Size}}', ref]));
    },
    runOnce(server) {
      n += 1;
      const name = `${ctx.tag}-u${n}`;
      const args = [...global, ...podmanRunArgv(name, ['--runtime', runtime, ...ulimits, ...cgroupParentArgv(ctx.memory)], ref, [], server?.ports)];
      const stop = () => execa(bin, [...global, 'kill', name], { stdin: 'ignore', timeout: 30_000 });
      return timedRun('podman run (unik-runtime)', bin, args, { timeoutMs: ctx.timeoutMs, memory: ctx.memory, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(server ? { readyUrl: server.url, stop } : {}) });
    },
    notes: () => [`unik-runtime: podman run --rm of the unikernel's own image under ${runtime} (private podman store; a server's guest on a tap with the container's address)`],
    async cleanup() {
      if (!bin || !existsSync(dir)) return;
      try {
        await podman('podman rm', ['rm', '--all', '--force']);
        await podman('podman rmi', ['rmi', '--all', '--force']);
      } finally {
        for (const d of [dir, dirs.runroot, dirs.tmpdir]) await fsp.rm(d, { recursive: true, force: true });
        await residue?.sweep();
      }
    },
  };
}
