import { promises as fsp } from 'node:fs';
import { execa } from 'execa';
import { join } from 'node:path';
import { which } from '../../lib/which.js';
import { startPrivateDockerd, type PrivateDockerd } from './docker-daemon.js';
import { runStep } from '../../lib/steps.js';
import { notInstalled, publishArgv, type Probe, type Runtime, type RuntimeContext } from './runtime.js';
import { cgroupParentArgv } from '../../lib/memory-cgroup.js';
import { timedRun } from './timed-run.js';
import { envArgv } from './twin.js';

/**
 * Pure: one run of the twin: removed on exit, no network (a server: `network`, its ports published on
 * 127.0.0.1 instead). podman takes the same shape plus its ulimits, given as `extra` (flags before the image).
 */
export const dockerRunArgv = (name: string, image: string, argv: string[], extra: string[] = [], network = ['--network', 'none']): string[] => [
  'run',
  '--rm',
  ...network,
  '--name',
  name,
  ...extra,
  image,
  ...argv,
];

/**
 * The API version the daemon at `host` speaks, or null when none answers. Clients are pinned to it with
 * DOCKER_API_VERSION: the client on PATH may be newer than the daemon (here a 28.x client, a 20.10 daemon).
 */
async function daemonApiVersion(client: string, host: string | undefined): Promise<string | null> {
  const res = await execa(client, ['version', '--format', '{{.Server.APIVersion}}'], {
    stdin: 'ignore',
    reject: false,
    timeout: 10_000,
    env: host ? { DOCKER_HOST: host } : {},
  });
  const version = res.stdout.trim();
  return !res.failed && /^\d+\.\d+$/.test(version) ? version : null;
}

export function dockerRuntime(ctx: RuntimeContext): Runtime {
  const image = `${ctx.tag}:latest`;
  const privateDir = join(ctx.dir, 'docker');
  let client = '';
  let dockerd: string | null = null;
  let daemon: PrivateDockerd | null = null;
  let env: Record<string, string> | null = null;
  let argv: string[] = [];
  let envFlags: string[] = [];
  let n = 0;
  const docker = (title: string, args: string[]) => runStep(title, client, args, { env: env! });

  return {
    name: 'docker',
    async probe(): Promise<Probe> {
      const found = await which('docker');
      if (!found) return notInstalled('docker', 'docker.io');
      client = found;
      const version = await daemonApiVersion(client, process.env.DOCKER_HOST);
      if (version) {
        env = { DOCKER_API_VERSION: version };
        return { ok: true };
      }
      dockerd = await which('dockerd');
      if (!dockerd) return { ok: false, reason: 'the docker daemon is not running, and dockerd is not installed to start one (apt install docker.io)' };
      if (!ctx.requested) {
        return {
          ok: false,
          reason: 'the docker daemon is not running; name docker in --runtimes and unik starts a private one for the bench (own data root under UNIK_HOME, no bridge, no iptables)',
        };
      }
      if (!ctx.host.isRoot) return { ok: false, reason: 'the docker daemon is not running, and starting a private one needs root' };
      return { ok: true };
    },
    async prepare(twin) {
      if (!env) {
        daemon = await startPrivateDockerd(dockerd!, privateDir, ctx.host.cgroupMounts, async (host) => (await daemonApiVersion(client, host)) !== null);
        env = { DOCKER_HOST: daemon.host, DOCKER_API_VERSION: (await daemonApiVersion(client, daemon.host))! };
      }
      await docker('docker import', ['import', twin.tarball, image]);
      argv = twin.argv;
      envFlags = envArgv(twin.env);
      return Number(await docker('docker image inspect', ['image', 'inspect', '--format', '{{.Size}}', image]));
    },
    runOnce(server) {
      n += 1;
      const name = `${ctx.tag}-${n}`;
      const network = server ? publishArgv(server.ports) : undefined;
      const stop = () => execa(client, ['kill', name], { stdin: 'ignore', timeout: 30_000, env: env! });
      return timedRun('docker run', client, dockerRunArgv(name, image, argv, [...cgroupParentArgv(ctx.memory), ...envFlags], network), {
        timeoutMs: ctx.timeoutMs,
        memory: ctx.memory,
        env: env!,
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(server ? { readyUrl: server.url, stop } : {}),
      });
    },
    noPorts() {
      // The running daemon publishes through its own, already configured proxy; unik's private one has no bridge.
      return daemon ? 'the private dockerd unik started has no bridge and no iptables rules (unik changes no host networking), so it cannot publish a port' : null;
    },
    notes() {
      const pinned = `client pinned to the daemon's API ${env?.DOCKER_API_VERSION ?? '?'} (DOCKER_API_VERSION)`;
      return [
        daemon
          ? `docker: no daemon was running; unik started a private dockerd (--bridge=none --iptables=false --ip-masq=false, data and exec roots, socket and config in the bench directory) and stopped it afterwards; ${pinned}`
          : `docker: the running daemon; ${pinned}`,
      ];
    },
    async cleanup() {
      if (daemon) {
        // The private daemon's data root holds only this bench's image and containers: stopping it and
        // deleting the directory removes them all, even when the daemon already went down on Ctrl-C.
        await daemon.stop();
        await fsp.rm(privateDir, { recursive: true, force: true });
      } else if (env) {
        // The host's daemon: only what this bench created (its containers carry the tag, and one image).
        const ids = (await docker('docker ps', ['ps', '--all', '--quiet', '--filter', `name=^${ctx.tag}-`])).split('\n').filter(Boolean);
        if (ids.length) await docker('docker rm', ['rm', '--force', ...ids]);
        if ((await docker('docker images', ['images', '--quiet', image])).trim()) await docker('docker rmi', ['rmi', '--force', image]);
      }
    },
  };
}
