import { execa, type ResultPromise } from 'execa';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../lib/which.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { cmdOnly, sharedEngineCases, stdinCase } from './engine-cases.js';
import { daemonHome, engineSuite, readProbeRef, RUNTIME, staticClientTar, staticImageTar, type EngineImages } from './engine-images.js';

const SUITE = 'unik-runtime under docker (a runtimes entry in a private dockerd) (integration)';
const images = await engineSuite(SUITE, ['dockerd', 'docker'], 'docker.io');

describe.skipIf(!images)(SUITE, () => {
  const img = images as EngineImages;
  // A dockerd of the test's own (data root, exec root, config file, socket), with no bridge and no iptables rules:
  // the user's daemon and the host's network are untouched. Its managed containerd lives under the exec root.
  const { dir, sock } = daemonHome('docker.sock');
  const docker = (args: string[], timeout = 120_000, input?: string) =>
    execa('docker', ['-H', `unix://${sock}`, ...args], { reject: false, timeout, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
  let daemon: ResultPromise | null = null;
  const run = (args: string[], input?: string) => docker(['run', '--runtime', 'unik', ...args], 120_000, input);
  let readProbe: string;
  const vmms = () => pidsMatching(`qemu-system-x86_64 .*${dir}`);

  beforeAll(async () => {
    const config = join(dir, 'daemon.json');
    writeFileSync(config, JSON.stringify({ runtimes: { unik: { path: RUNTIME } } }));
    daemon = execa('dockerd', ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'exec'), '--config-file', config, '--host', `unix://${sock}`, '--pidfile', join(dir, 'docker.pid'), '--bridge=none', '--iptables=false', '--ip-masq=false'], { reject: false, stdio: 'ignore' });
    expect(await waitFor(async () => existsSync(sock) && (await docker(['version'])).exitCode === 0, 60_000)).toBe(true);
    readProbe = await readProbeRef(img.registry);
    for (const ref of [...Object.values(img.refs), readProbe]) {
      const pulled = await docker(['pull', ref!]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
    }
    const imported = await docker(['import', '--change', 'CMD ["/hello"]', await staticImageTar(), 'localhost/static-hello:1']);
    expect(imported.exitCode, imported.stderr).toBe(0);
    const client = await docker(['import', '--change', 'CMD ["/client"]', await staticClientTar(), 'localhost/static-client:1']);
    expect(client.exitCode, client.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    const ids = (await docker(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
    if (ids.length) await docker(['rm', '-f', ...ids]);
    daemon?.kill('SIGTERM');
    await daemon;
    await img.stop();
    // dockerd leaves its default netns bind-mounted under the exec root: unmounted, then the home goes.
    const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(`${dir}/`));
    for (const m of mounts.sort().reverse()) await execa('umount', [m], { reject: false });
    rmSync(dir, { recursive: true, force: true });
  });

  sharedEngineCases('docker', images, (ref, _name, argv) => run(['--rm', '--network', 'none', ref, ...cmdOnly(argv)]));

  stdinCase('docker', { run: (name, input) => run(['-i', '--rm', '--name', name, '--network', 'none', readProbe], input), remove: (name) => docker(['rm', '-f', name]), vmms });

  it('--network host: http-unikraft answers 200 on loopback; docker logs has the console; stop and rm -f leave no VMM', async () => {
    const started = await run(['-d', '--name', 'web', '--network', 'host', img.refs.http]);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await fetch('http://127.0.0.1:80/').catch(() => null))?.status === 200, 60_000)).toBe(true);
    expect((await docker(['logs', 'web'])).stdout).toContain('listening on port 80');
    expect((await docker(['stop', '-t', '5', 'web'])).exitCode).toBe(0);
    expect((await docker(['inspect', '--format', '{{.State.ExitCode}}', 'web'])).stdout).toBe('143');
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
    const again = await docker(['start', 'web']);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(await waitFor(async () => (await vmms()).length > 0, 60_000)).toBe(true);
    expect((await docker(['rm', '-f', 'web'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
  }, 240_000);

  it('a restart policy restarts a guest that failed, as for any container', async () => {
    const started = await run(['-d', '--name', 'again', '--network', 'none', '--restart', 'on-failure:2', img.refs.exit, '7']);
    expect(started.exitCode, started.stderr).toBe(0);
    const inspect = async () => (await docker(['inspect', '--format', '{{.RestartCount}} {{.State.Status}} {{.State.ExitCode}}', 'again'])).stdout;
    expect(await waitFor(async () => (await inspect()) === '2 exited 7', 90_000)).toBe(true);
    expect((await docker(['logs', 'again'])).stdout.match(/main returns 7/g)?.length).toBe(3);
    expect((await docker(['rm', 'again'])).exitCode).toBe(0);
  }, 180_000);

  // A compose network would be a bridge on the host, which this machine must not get: both services share the
  // host's network (the unikernel's port on loopback only, see README).
  it.skipIf(!which('docker-compose'))('docker-compose: a unikernel HTTP service (runtime: unik) and an ordinary container that reaches it', async () => {
    const project = tmpTree();
    const file = join(project, 'compose.yaml');
    writeFileSync(file, [
      'version: "2.4"',
      'services:',
      '  web:',
      `    image: ${img.refs.http}`,
      '    runtime: unik',
      '    network_mode: host',
      '  client:',
      '    image: localhost/static-client:1',
      '    network_mode: host',
      '    depends_on: [web]',
      '',
    ].join('\n'));
    const compose = (args: string[]) => execa('docker-compose', ['-f', file, '-p', 'unikcompose', ...args], { env: { DOCKER_HOST: `unix://${sock}` }, reject: false, timeout: 180_000, stdin: 'ignore' });
    const up = await compose(['up', '--exit-code-from', 'client']);
    expect(up.stdout + up.stderr).toContain('client got: HTTP/1.1 200 OK');
    expect(up.exitCode, up.stderr).toBe(0);
    expect((await compose(['down'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
  }, 240_000);
});
