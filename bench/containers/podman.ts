import { execa } from 'execa';
import { existsSync, promises as fsp } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { which } from '../../lib/which.js';
import { runStep } from '../../lib/steps.js';
import type { HostFacts } from './host.js';
import { cgroupDirs, watchResidue, type Residue } from './residue.js';
import { notInstalled, publishArgv, type Probe, type Runtime, type RuntimeContext } from './runtime.js';
import type { PortMapping } from '../../manifest/manifest.js';
import { dockerRunArgv } from './docker.js';
import { cgroupParentArgv } from '../../lib/memory-cgroup.js';
import { timedRun } from './timed-run.js';
import { envArgv } from './twin.js';

/** podman's default RLIMIT_NOFILE and RLIMIT_NPROC for a container. */
const PODMAN_DEFAULT_RLIMIT = 1_048_576;

/**
 * Pure: --ulimit flags for a host whose hard limits are below podman's default of 1048576, where every
 * container fails with "error setting rlimit ... operation not permitted". podman 4.3 also lowers its own
 * nproc to kernel.pid_max (32768 here), which is then the most a container can get.
 */
export function podmanUlimits(host: Pick<HostFacts, 'hardNofile' | 'hardNproc' | 'pidMax'>): string[] {
  const nofile = host.hardNofile ?? PODMAN_DEFAULT_RLIMIT;
  const nproc = Math.min(host.hardNproc ?? PODMAN_DEFAULT_RLIMIT, host.pidMax ?? PODMAN_DEFAULT_RLIMIT);
  const flags: string[] = [];
  if (nofile < PODMAN_DEFAULT_RLIMIT) flags.push('--ulimit', `nofile=${nofile}:${nofile}`);
  if (nproc < PODMAN_DEFAULT_RLIMIT) flags.push('--ulimit', `nproc=${nproc}:${nproc}`);
  return flags;
}

/**
 * Host paths podman 4.3 writes whatever its --root/--runroot/--tmpdir: runc's state (podman does not pass
 * runc a --root on every call, so it cannot be moved), the network config dir, and the blob-info cache
 * `podman import` writes for root. Deepest first is sorted out by the residue sweep.
 */
export const PODMAN_HOST_PATHS = [
  '/run/runc',
  '/run/containers/networks',
  '/run/containers',
  '/var/lib/containers/cache/blob-info-cache-v1.boltdb',
  '/var/lib/containers/cache',
  '/var/lib/containers',
];

/** podman refuses a --runroot longer than this ("the specified runroot is longer than 50 characters"). */
const RUNROOT_MAX = 50;
/**
 * slirp4netns (a server's published ports) puts its API socket in --tmpdir as <64 hex>.net, and a Unix socket
 * path holds at most 107 bytes ("the specified API socket path is too long").
 */
const TMPDIR_MAX = 107 - '/'.length - 64 - '.net'.length;

export interface PodmanDirs {
  root: string;
  runroot: string;
  tmpdir: string;
}

/** Pure: podman's private directories; the runroot and tmpdir fall back to the system temp dir when the bench dir is too deep. */
export function podmanDirs(dir: string, tag: string, systemTmp: string): PodmanDirs {
  const runroot = join(dir, 'run');
  const tmpdir = join(dir, 'tmp');
  return {
    root: join(dir, 'root'),
    runroot: runroot.length <= RUNROOT_MAX ? runroot : join(systemTmp, tag),
    tmpdir: tmpdir.length <= TMPDIR_MAX ? tmpdir : join(systemTmp, `${tag}-tmp`),
  };
}

/**
 * Pure: podman's global flags. Storage, run state and temp files are private to the bench, so the host's
 * podman images and containers are neither seen nor touched; cgroupfs and file events work without
 * systemd. On hybrid cgroups crun (podman's default OCI runtime) refuses, so runc is named.
 */
export function podmanGlobalArgv(dirs: PodmanDirs, runtime: 'runc' | null): string[] {
  return [
    '--root',
    dirs.root,
    '--runroot',
    dirs.runroot,
    '--tmpdir',
    dirs.tmpdir,
    '--cgroup-manager',
    'cgroupfs',
    '--events-backend',
    'file',
    ...(runtime ? ['--runtime', runtime] : []),
  ];
}

/**
 * Pure: one run of the twin: docker's shape with podman's ulimits (and any other flags before the image). A
 * server's ports are published through slirp4netns, a user-mode network: rootful podman's default bridge would
 * add interfaces and iptables rules to the host.
 */
export const podmanRunArgv = (name: string, extra: string[], image: string, argv: string[], ports?: PortMapping[]): string[] =>
  dockerRunArgv(name, image, argv, extra, ports ? ['--network', 'slirp4netns:port_handler=slirp4netns', ...publishArgv(ports)] : undefined);

export function podmanRuntime(ctx: RuntimeContext): Runtime {
  const dir = join(ctx.dir, 'podman');
  const dirs = podmanDirs(dir, ctx.tag, tmpdir());
  const image = `localhost/${ctx.tag}:latest`;
  const ulimits = podmanUlimits(ctx.host);
  let bin = '';
  let global: string[] = [];
  let argv: string[] = [];
  let envFlags: string[] = [];
  let residue: Residue | null = null;
  let n = 0;
  const podman = (title: string, args: string[]) => runStep(title, bin, [...global, ...args]);

  return {
    name: 'podman',
    async probe(): Promise<Probe> {
      const found = await which('podman');
      if (!found) return notInstalled('podman', 'podman');
      bin = found;
      if (ctx.host.hybridCgroups) {
        const runc = await which('runc');
        if (!runc) {
          return { ok: false, reason: "crun (podman's default runtime) refuses this host's hybrid cgroups, and runc is not installed (apt install runc)" };
        }
        global = podmanGlobalArgv(dirs, 'runc');
      } else {
        global = podmanGlobalArgv(dirs, null);
      }
      return { ok: true };
    },
    async prepare(twin) {
      residue = watchResidue([...cgroupDirs(ctx.host.cgroupMounts, ['libpod_parent/conmon', 'libpod_parent']), ...PODMAN_HOST_PATHS]);
      await fsp.mkdir(dir, { recursive: true });
      await podman('podman import', ['import', twin.tarball, image]);
      argv = twin.argv;
      envFlags = envArgv(twin.env);
      return Number(await podman('podman image inspect', ['image', 'inspect', '--format', '{{.Size}}', image]));
    },
    runOnce(server) {
      n += 1;
      const name = `${ctx.tag}-${n}`;
      const args = [...global, ...podmanRunArgv(name, [...ulimits, ...cgroupParentArgv(ctx.memory), ...envFlags], image, argv, server?.ports)];
      const stop = () => execa(bin, [...global, 'kill', name], { stdin: 'ignore', timeout: 30_000 });
      return timedRun('podman run', bin, args, { timeoutMs: ctx.timeoutMs, memory: ctx.memory, ...(ctx.signal ? { signal: ctx.signal } : {}), ...(server ? { readyUrl: server.url, stop } : {}) });
    },
    noPorts: () => null,
    notes() {
      const needed = ['private storage in the bench directory (--root, --runroot, --tmpdir)', '--cgroup-manager cgroupfs'];
      if (global.includes('--runtime')) needed.push('--runtime runc, as crun refuses hybrid cgroups');
      if (ulimits.length) needed.push(`${ulimits.join(' ')}, as the host's hard limits are below podman's default of 1048576`);
      return [`podman: ${needed.join('; ')}`];
    },
    async cleanup() {
      if (!global.length || !existsSync(dir)) return;
      try {
        // Everything in this private store is the bench's own.
        await podman('podman rm', ['rm', '--all', '--force']);
        await podman('podman rmi', ['rmi', '--all', '--force']);
      } finally {
        await fsp.rm(dir, { recursive: true, force: true });
        await fsp.rm(dirs.runroot, { recursive: true, force: true });
        await fsp.rm(dirs.tmpdir, { recursive: true, force: true });
        await residue?.sweep();
      }
    },
  };
}
