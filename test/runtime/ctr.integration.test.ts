import { execa, type ResultPromise } from 'execa';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { sharedEngineCases, stdinCase } from './engine-cases.js';
import { daemonHome, engineSuite, readProbeRef, RUNTIME, staticImageTar, type EngineImages } from './engine-images.js';

const SUITE = 'unik-runtime under containerd (ctr, the runc v2 shim with --runc-binary) (integration)';
const images = await engineSuite(SUITE, ['containerd', 'ctr'], 'containerd');

describe.skipIf(!images)(SUITE, () => {
  const img = images as EngineImages;
  // A containerd of the test's own: root, state, socket and config under a temp dir (CRI off: not used here).
  const { dir, sock } = daemonHome('containerd.sock');
  let daemon: ResultPromise | null = null;
  const ctr = (args: string[], timeout = 120_000, input?: string) =>
    execa('ctr', ['--address', sock, ...args], { reject: false, timeout, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
  const run = (args: string[], input?: string) => ctr(['run', '--runtime', 'io.containerd.runc.v2', '--runc-binary', RUNTIME, ...args], 120_000, input);
  let readProbe: string;
  const vmms = () => pidsMatching(`qemu-system-x86_64 .*${dir}`);

  beforeAll(async () => {
    const config = join(dir, 'config.toml');
    writeFileSync(config, `version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[grpc]\n  address = "${sock}"\n`);
    daemon = execa('containerd', ['--config', config, '--root', join(dir, 'root'), '--state', join(dir, 'state'), '--address', sock], { reject: false, stdio: 'ignore' });
    expect(await waitFor(async () => existsSync(sock) && (await ctr(['version'])).exitCode === 0, 30_000)).toBe(true);
    readProbe = await readProbeRef(img.registry);
    for (const ref of [...Object.values(img.refs), readProbe]) {
      const pulled = await ctr(['images', 'pull', '--plain-http', ref!]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
    }
    // The static image as an OCI archive (podman would do; containerd's import takes a docker/OCI archive): built here.
    const tar = await staticImageTar();
    const layout = join(tmpTree(), 'layout');
    await execa('umoci', ['init', '--layout', layout]);
    await execa('umoci', ['new', '--image', `${layout}:1`]);
    await execa('umoci', ['config', '--image', `${layout}:1`, '--config.cmd', '/hello']);
    const rootfs = tmpTree();
    await execa('umoci', ['unpack', '--image', `${layout}:1`, join(rootfs, 'b')]);
    await execa('tar', ['-C', join(rootfs, 'b', 'rootfs'), '-xf', tar]);
    await execa('umoci', ['repack', '--image', `${layout}:1`, join(rootfs, 'b')]);
    const archive = join(tmpTree(), 'static.tar');
    await execa('tar', ['-C', layout, '-cf', archive, '.']);
    const imported = await ctr(['images', 'import', '--base-name', 'localhost/static-hello', archive]);
    expect(imported.exitCode, imported.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    for (const id of (await ctr(['containers', 'ls', '-q'])).stdout.split('\n').filter(Boolean)) {
      await ctr(['tasks', 'kill', '-s', 'KILL', id]);
      await ctr(['tasks', 'delete', '-f', id]);
      await ctr(['containers', 'delete', id]);
    }
    daemon?.kill('SIGTERM');
    await daemon;
    await img.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  // ctr's arguments after the name are the whole process argv (no Entrypoint is prepended).
  sharedEngineCases('ctr', images, (ref, name, argv = []) => run(['--rm', ref, name, ...argv]));

  // ctr run hands the shim its own stdin; the probe idles after its line, so the task is killed (then --rm).
  stdinCase('ctr', { run: (name, input) => run(['--rm', readProbe, name], input), remove: (name) => ctr(['tasks', 'kill', '-s', 'SIGKILL', name]), vmms });

  it('ctr gives no network: a network image says so, and no VMM is left', async () => {
    const r = await run(['--rm', img.refs.http, 'http1']);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('http-unikraft needs a network');
    expect(await vmms()).toEqual([]);
  }, 120_000);

  it('--net-host: http-unikraft serves on the host\'s network; ctr task kill ends it and no VMM is left', async () => {
    const started = await run(['-d', '--net-host', img.refs.http, 'http2']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await fetch('http://127.0.0.1:80/').catch(() => null))?.status === 200, 60_000)).toBe(true);
    expect((await ctr(['tasks', 'kill', 'http2'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
    expect((await ctr(['tasks', 'delete', 'http2'])).exitCode).toBe(0);
    expect((await ctr(['containers', 'delete', 'http2'])).exitCode).toBe(0);
  }, 180_000);

  it('SIGKILL of containerd\'s shim leaves no VMM', async () => {
    const started = await run(['-d', '--net-host', img.refs.http, 'http3']);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await vmms()).length > 0, 60_000)).toBe(true);
    const shims = await pidsMatching(`containerd-shim-runc-v2 -namespace default -id http3 -address ${sock}`);
    expect(shims.length).toBe(1);
    process.kill(shims[0]!, 'SIGKILL');
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
  }, 180_000);
});
