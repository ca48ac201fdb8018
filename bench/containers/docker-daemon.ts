import { execa, type ResultPromise } from 'execa';
import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { writeJsonAtomic } from '../../lib/atomic.js';
import { failure } from '../../lib/errors.js';
import { outputTail } from '../../lib/steps.js';
import { cgroupDirs, watchResidue } from './residue.js';

/** Unix socket paths longer than this do not fit in sockaddr_un. */
const SOCKET_PATH_MAX = 107;
/** containerd puts its sockets under the exec root; this is the longest of them. */
const CONTAINERD_SOCKET = '/containerd/containerd.sock.ttrpc';
/** Directories dockerd and containerd create wherever their roots are. */
const HARDCODED_RUN_DIRS = ['/run/docker/plugins', '/run/docker', '/run/containerd/s', '/run/containerd'];

export interface PrivateDockerdPaths {
  dir: string;
  socket: string;
  dataRoot: string;
  execRoot: string;
  pidfile: string;
  config: string;
  log: string;
}

/** Pure: where a private daemon keeps everything. Short names: the sockets under them must fit in 107 bytes. */
export function privateDockerdPaths(dir: string): PrivateDockerdPaths {
  return {
    dir,
    socket: join(dir, 'docker.sock'),
    dataRoot: join(dir, 'data'),
    execRoot: join(dir, 'x'),
    pidfile: join(dir, 'dockerd.pid'),
    config: join(dir, 'daemon.json'),
    log: join(dir, 'dockerd.log'),
  };
}

/**
 * Pure: a daemon that changes nothing on the host: no docker0 bridge, no iptables rules, no masquerading;
 * its own data root, exec root, pidfile, socket and config (so /etc/docker/daemon.json is not read).
 */
export function dockerdArgv(p: PrivateDockerdPaths): string[] {
  return [
    '--bridge=none',
    '--iptables=false',
    '--ip-masq=false',
    '--config-file',
    p.config,
    '--data-root',
    p.dataRoot,
    '--exec-root',
    p.execRoot,
    '--pidfile',
    p.pidfile,
    '--host',
    `unix://${p.socket}`,
  ];
}

/** Pure: daemon.json. dockerd 20.10 otherwise writes its identity key to /etc/docker/key.json. */
export const dockerdConfig = (p: PrivateDockerdPaths) => ({ 'deprecated-key-path': join(p.dir, 'key.json') });

export interface PrivateDockerd {
  /** DOCKER_HOST for clients. */
  host: string;
  stop(): Promise<void>;
}

/**
 * Start a private dockerd under `dir` and wait until `ready(host)` says it answers. On any failure the
 * daemon is stopped again and the error carries its log tail.
 */
export async function startPrivateDockerd(
  dockerd: string,
  dir: string,
  cgroupMounts: string[],
  ready: (host: string) => Promise<boolean>,
  timeoutMs = 30_000,
): Promise<PrivateDockerd> {
  const p = privateDockerdPaths(dir);
  for (const path of [p.socket, p.execRoot + CONTAINERD_SOCKET]) {
    if (path.length > SOCKET_PATH_MAX) {
      throw failure(`a private docker daemon needs a shorter UNIK_HOME: ${path} is over ${SOCKET_PATH_MAX} bytes, too long for a unix socket`);
    }
  }
  await fsp.mkdir(dir, { recursive: true });
  await writeJsonAtomic(p.config, dockerdConfig(p));
  // Its containers' cgroups go under a "docker" parent in every hierarchy.
  const residue = watchResidue([...HARDCODED_RUN_DIRS, ...cgroupDirs(cgroupMounts, ['docker'])]);
  // Reaped with unik (cleanup); SIGTERM first so it can unmount its layers, SIGKILL if it hangs. It logs to stderr.
  const daemon: ResultPromise = execa(dockerd, dockerdArgv(p), {
    stdin: 'ignore',
    stdout: 'ignore',
    stderr: { file: p.log },
    reject: false,
    cleanup: true,
    forceKillAfterDelay: 15_000,
  });
  let exited = false;
  void daemon.then(() => (exited = true));
  const host = `unix://${p.socket}`;
  const stop = async (): Promise<void> => {
    daemon.kill('SIGTERM');
    await daemon;
    await residue.sweep();
  };

  const deadline = performance.now() + timeoutMs;
  while (!exited && performance.now() < deadline) {
    if (existsSync(p.socket) && (await ready(host))) return { host, stop };
    await sleep(200);
  }
  await stop();
  const log = outputTail(await fsp.readFile(p.log, 'utf8').catch(() => ''));
  throw failure(
    exited ? `the private docker daemon exited while starting; log: ${p.log}` : `the private docker daemon did not answer within ${timeoutMs / 1000} s; log: ${p.log}`,
    log,
  );
}
