import { execa } from 'execa';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../lib/package-root.js';
import { which } from '../../lib/which.js';
import { outputTail, runStep } from '../../lib/steps.js';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { notInstalled, type Probe, type Runtime, type RuntimeContext, type ServerRun } from './runtime.js';
import { withNetns } from './oci-spec.js';
import { slirpNetwork, type SlirpNetwork } from './slirp-network.js';
import { timedRun, type Sample } from './timed-run.js';

type OciName = 'runc' | 'crun';

/** Pure: one run of the bundle. State goes to a root of unik's own, so the host's /run/<runtime> is untouched. */
export const ociRunArgv = (root: string, bundle: string, id: string): string[] => ['--root', root, 'run', '--bundle', bundle, id];

/** Pure: whether this runtime must run inside unik's without-cgroup2 launcher. runc handles hybrid cgroups. */
export const needsCgroup2Workaround = (name: OciName, hybridCgroups: boolean): boolean => name === 'crun' && hybridCgroups;

const HELPER_SOURCE = join(packageRoot(), 'bench', 'containers', 'without-cgroup2.c');

/** runc or crun running the twin's OCI bundle directly: the lowest-overhead container path there is. */
/** A twin left serving until stopped: its processes (the container's are below the runtime's) and how it ended. */
export interface ServingTwin {
  pids: { runtime: number; network: number[] };
  /** Settles, with why, when the runtime process ends (stopped or not). */
  ended: Promise<string>;
  /** Kill the container, reap its runtime process, stop its network. Idempotent. */
  stop(): Promise<void>;
}

export interface OciRuntime extends Runtime {
  /** Start the twin serving `server`'s ports and leave it running. */
  serve(server: ServerRun): Promise<ServingTwin>;
}

export function ociRuntime(name: OciName, ctx: RuntimeContext): OciRuntime {
  const root = join(ctx.dir, `${name}-state`);
  const workaround = needsCgroup2Workaround(name, ctx.host.hybridCgroups);
  let bin: string | null = null;
  let gcc: string | null = null;
  let launcher: string[] = [];
  let bundle = '';
  let slirp: string | null = null;
  let n = 0;
  const invoke = (args: string[]): [string, string[]] => [launcher[0]!, [...launcher.slice(1), ...args]];

  /** A server's twin in a namespace of its own, which slirp4netns publishes its ports from; the config in its own directory. */
  async function serverBundle(server: ServerRun, n: number, cgroupsPath?: string): Promise<{ net: SlirpNetwork; own: string }> {
    const net = await slirpNetwork(join(ctx.dir, `${name}-net-${n}`), server.ports);
    try {
      const own = join(ctx.dir, `${name}-bundle-${n}`);
      const spec = JSON.parse(await fsp.readFile(join(bundle, 'config.json'), 'utf8')) as Record<string, unknown>;
      await writeJsonAtomic(join(own, 'config.json'), withNetns(spec, net.netnsPath, join(bundle, 'rootfs'), cgroupsPath));
      return { net, own };
    } catch (e) {
      await net.close();
      throw e;
    }
  }

  /** The app is the container's PID 1, which ignores a SIGTERM it has no handler for: the runtime kills it. */
  const killArgv = (id: string) => invoke(['--root', root, 'kill', id, 'KILL']);

  /** A server's timed run: `kill` stops it at its first 2xx. */
  async function serverRunOnce(server: ServerRun, id: string): Promise<Sample> {
    const { net, own } = await serverBundle(server, n);
    try {
      const [file, args] = invoke(ociRunArgv(root, own, id));
      const [kf, ka] = killArgv(id);
      const stop = () => execa(kf, ka, { stdin: 'ignore', timeout: 30_000 });
      return await timedRun(name, file, args, { timeoutMs: ctx.timeoutMs, memory: ctx.memory, readyUrl: server.url, stop, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    } finally {
      await net.close();
    }
  }

  /** A server's twin left running (the density bench); each in its own cgroup below the bench's tag. */
  async function serve(server: ServerRun): Promise<ServingTwin> {
    n += 1;
    const id = `${ctx.tag}-${n}`;
    const { net, own } = await serverBundle(server, n, `/${ctx.tag}/${n}`);
    // stderr to a file, not a pipe: the container inherits it, and a pipe would outlive the runtime process.
    const log = join(own, 'stderr.log');
    const [file, args] = invoke(ociRunArgv(root, own, id));
    const child = execa(file, args, { stdin: 'ignore', stdout: 'ignore', stderr: { file: log }, reject: false, cleanup: true });
    const ended = child.then(async (r) => `${name} run ended (${r.exitCode ?? r.signal ?? 'killed'}): ${outputTail(await fsp.readFile(log, 'utf8').catch(() => '')) ?? ''}`);
    const [kf, ka] = killArgv(id);
    const [df, da] = invoke(['--root', root, 'delete', '--force', id]);
    let stopping: Promise<void> | null = null;
    const stop = () =>
      (stopping ??= (async () => {
        // A twin still being created has no container to kill yet: try again until the runtime process ends.
        let exited = false;
        void child.then(() => (exited = true));
        for (let i = 0; !exited && i < 100; i++) {
          await execa(kf, ka, { stdin: 'ignore', timeout: 30_000, reject: false });
          await Promise.race([child, new Promise((r) => setTimeout(r, 100))]);
        }
        if (!exited) child.kill('SIGKILL');
        await child;
        // A runtime process killed mid-way leaves its container running, reparented to init: remove it.
        await execa(df, da, { stdin: 'ignore', timeout: 30_000, reject: false });
        await net.close();
      })());
    return { pids: { runtime: child.pid!, network: net.pids }, ended, stop };
  }

  return {
    name,
    async probe(): Promise<Probe> {
      bin = await which(name);
      if (!bin) return notInstalled(name, name);
      if (!ctx.host.isRoot) return { ok: false, reason: `needs root: the twin's bundle is a rootful OCI bundle` };
      if (workaround) {
        gcc = await which('gcc');
        if (!gcc) {
          return {
            ok: false,
            reason: 'crun refuses this host\'s hybrid cgroups (v1 plus a cgroup2 hierarchy with controllers); unik works around it with a small launcher it compiles, and gcc is not installed',
          };
        }
      }
      return { ok: true };
    },
    async prepare(twin) {
      await fsp.mkdir(root, { recursive: true });
      launcher = [bin!];
      if (workaround) {
        const helper = join(ctx.dir, 'without-cgroup2');
        await runStep('compiling the crun launcher (gcc)', gcc!, ['-O2', '-o', helper, HELPER_SOURCE]);
        launcher = [helper, bin!];
      }
      bundle = twin.bundle;
      slirp = await which('slirp4netns');
      return twin.rootfs.bytes;
    },
    serve,
    runOnce(server) {
      n += 1;
      const id = `${ctx.tag}-${n}`;
      if (server) return serverRunOnce(server, id);
      const [file, args] = invoke(ociRunArgv(root, bundle, id));
      return timedRun(name, file, args, { timeoutMs: ctx.timeoutMs, memory: ctx.memory, ...(ctx.signal ? { signal: ctx.signal } : {}) });
    },
    noPorts: () => (slirp ? null : `${name} needs slirp4netns to publish a port (apt install slirp4netns); unik adds no bridge or iptables rule`),
    notes(server) {
      const ports = slirp && server
        ? [`${name}: a server's ports are published by slirp4netns into a network namespace made for each run before its clock starts (podman's, by contrast, is set up inside its timed run)`]
        : [];
      return workaround
        ? [
            ...ports,
            'crun: hybrid cgroups here (cgroup2 has controllers), which crun refuses; it runs in a private mount ' +
              'namespace without /sys/fs/cgroup/unified (unik\'s without-cgroup2 launcher), so it uses cgroup v1 like runc',
          ]
        : ports;
    },
    async cleanup() {
      if (!existsSync(root) || !launcher.length) return;
      // `run` deletes its container on exit; only a killed run (timeout, Ctrl-C) leaves one behind.
      const [file, args] = invoke(['--root', root, 'list', '-q']);
      const ids = (await runStep(`${name} list`, file, args)).split('\n').filter(Boolean);
      for (const id of ids) {
        const [f, a] = invoke(['--root', root, 'delete', '--force', id]);
        await runStep(`${name} delete ${id}`, f, a);
      }
      await fsp.rm(root, { recursive: true, force: true });
    },
  };
}
