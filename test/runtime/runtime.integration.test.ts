import { execa } from 'execa';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { which } from '../../lib/which.js';
import { unik } from '../helpers/cli.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';
import { RUNTIME } from './engine-images.js';

const SUITE = 'unik-runtime called directly, as an engine calls it (integration)';
const umoci = which('umoci');
if (!umoci) console.warn(`\n*** SKIPPING ${SUITE}: umoci is missing (apt-get install umoci) ***\n`);
const unikraft = umoci ? productSource('unikraft', SUITE) : null;

describe.skipIf(!unikraft)(SUITE, () => {
  const root = tmpTree();
  let bundle = '';
  const rt = (args: string[]) => execa(RUNTIME, ['--root', root, ...args], { reject: false, stdin: 'ignore' });
  /** create without pipes: the container's process keeps its stdio until it exits, as an engine's would. */
  const create = (args: string[]) => execa(RUNTIME, ['--root', root, 'create', ...args], { reject: false, stdio: 'ignore' });
  const status = async (id: string) => JSON.parse((await rt(['state', id])).stdout).status as string;
  /** A container's monitor, by its state directory. */
  const monitors = (id: string) => pidsMatching(`unik-runtime.cjs --unik-monitor ${join(root, id)}`);

  /** An image built through the product's cache, exported and unpacked into a bundle by umoci (a third party). */
  async function bundleOf(app: string, name: string, args?: string[]): Promise<string> {
    const built = await unik(['build', app]);
    expect(built.exitCode, built.stderr).toBe(0);
    const dir = tmpTree();
    const tar = join(dir, 'image.tar');
    expect((await unik(['export', name, '-o', tar])).exitCode).toBe(0);
    await execa('mkdir', ['-p', join(dir, 'layout')]);
    await execa('tar', ['-C', join(dir, 'layout'), '-xf', tar]);
    const ref = JSON.parse(readFileSync(join(dir, 'layout', 'index.json'), 'utf8')).manifests[0].annotations['org.opencontainers.image.ref.name'];
    const b = join(dir, 'bundle');
    await execa('umoci', ['unpack', '--image', `${join(dir, 'layout')}:${ref}`, b]);
    const config = JSON.parse(readFileSync(join(b, 'config.json'), 'utf8'));
    config.process.terminal = false;
    if (args) config.process.args = args;
    writeFileSync(join(b, 'config.json'), JSON.stringify(config));
    return b;
  }
  let spinning = '';

  beforeAll(async () => {
    bundle = await bundleOf('examples/hello-unikraft', 'hello-unikraft');
    spinning = await bundleOf('test/fixtures/exit-unikraft', 'exit-unikraft', ['/unik/kernel', 'spin']);
  }, 300_000);

  it('create → created (pid file = the monitor), start → the guest runs, state → stopped; delete removes everything', async () => {
    const pidFile = join(tmpTree(), 'pid');
    const created = await create(['--bundle', bundle, '--pid-file', pidFile, 'c1']);
    expect(created.exitCode, created.stderr).toBe(0);
    const state = JSON.parse((await rt(['state', 'c1'])).stdout);
    expect(state).toMatchObject({ ociVersion: '1.0.2', id: 'c1', status: 'created', bundle, rootfs: join(bundle, 'rootfs') });
    expect(Number(readFileSync(pidFile, 'utf8'))).toBe(state.pid);
    expect(await monitors('c1')).toEqual([state.pid]);
    expect(JSON.parse((await rt(['ps', '--format', 'json', 'c1'])).stdout)).toContain(state.pid);
    expect((await rt(['start', 'c1'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await status('c1')) === 'stopped', 60_000)).toBe(true);
    expect(JSON.parse((await rt(['state', 'c1'])).stdout).pid).toBe(0);
    expect((await rt(['start', 'c1'])).stderr).toContain('cannot start a container that has stopped');
    expect((await rt(['delete', 'c1'])).exitCode).toBe(0);
    expect(existsSync(join(root, 'c1'))).toBe(false);
  }, 120_000);

  it('a missing container: runc\'s words, also in a JSON log as containerd reads it back', async () => {
    const log = join(tmpTree(), 'log.json');
    const r = await execa(RUNTIME, ['--root', root, '--log', log, '--log-format', 'json', 'kill', 'nosuch', 'KILL'], { reject: false });
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('does not exist');
    expect(JSON.parse(readFileSync(log, 'utf8').trim().split('\n').at(-1)!)).toMatchObject({ level: 'error', msg: expect.stringContaining('does not exist') });
  });

  it('kill by name or number; delete of a running one needs --force; no monitor or VMM is left', async () => {
    expect((await create(['--bundle', bundle, 'c2'])).exitCode).toBe(0);
    expect((await rt(['kill', 'c2', '9'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await status('c2')) === 'stopped', 10_000)).toBe(true);
    expect((await rt(['delete', 'c2'])).exitCode).toBe(0);
    expect((await create(['--bundle', bundle, 'c3'])).exitCode).toBe(0);
    expect((await rt(['delete', 'c3'])).exitCode).toBe(0);
    expect(await monitors('c3')).toEqual([]);
  }, 60_000);

  it('SIGKILL of the runtime during create leaves no monitor behind', async () => {
    const child = spawn(RUNTIME, ['--root', root, 'create', '--bundle', bundle, 'c4'], { stdio: 'ignore' });
    expect(await waitFor(async () => (await monitors('c4')).length > 0 || child.exitCode !== null, 30_000)).toBe(true);
    child.kill('SIGKILL');
    // Killed before it wrote the container's record, the monitor gives up by itself; after, delete cleans up.
    await rt(['delete', '--force', 'c4']);
    expect(await waitFor(async () => (await monitors('c4')).length === 0, 20_000)).toBe(true);
  }, 60_000);

  it('SIGKILL of the container\'s process (the monitor) takes its VMM along', async () => {
    const spinningVmms = () => pidsMatching(`qemu-system-x86_64 .*${spinning}`);
    expect((await create(['--bundle', spinning, 'c5'])).exitCode).toBe(0);
    const pid = JSON.parse((await rt(['state', 'c5'])).stdout).pid as number;
    expect((await rt(['start', 'c5'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await spinningVmms()).length > 0, 30_000)).toBe(true);
    expect(await status('c5')).toBe('running');
    process.kill(pid, 'SIGKILL');
    expect(await waitFor(async () => (await spinningVmms()).length === 0, 10_000)).toBe(true);
    expect(await waitFor(async () => (await status('c5')) === 'stopped', 10_000)).toBe(true);
    expect((await rt(['delete', 'c5'])).exitCode).toBe(0);
  }, 60_000);

  it('SIGTERM through kill stops a running guest; delete without --force refuses while it runs', async () => {
    expect((await create(['--bundle', spinning, 'c6'])).exitCode).toBe(0);
    expect((await rt(['start', 'c6'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await status('c6')) === 'running', 10_000)).toBe(true);
    expect((await rt(['delete', 'c6'])).stderr).toContain('cannot delete container c6 that is not stopped: running');
    expect((await rt(['kill', 'c6', 'SIGTERM'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await status('c6')) === 'stopped', 10_000)).toBe(true);
    expect((await rt(['delete', 'c6'])).exitCode).toBe(0);
    expect(await pidsMatching(`qemu-system-x86_64 .*${spinning}`)).toEqual([]);
  }, 60_000);

  it("tap: the guest takes the address of the netns's veth, is reached at it from the veth's far end, and delete gives the link back", async () => {
    // Two network namespaces of this test's own (held by sleeping processes): the container's, and a client's at the
    // other end of a veth pair, as a CNI bridge or docker's would be. Nothing is changed in the host's.
    const holders = [spawn('unshare', ['--net', 'sleep', '300'], { stdio: 'ignore' }), spawn('unshare', ['--net', 'sleep', '300'], { stdio: 'ignore' })];
    const [ctr, client] = holders.map((h) => `/proc/${h.pid}/ns/net`) as [string, string];
    const inNs = (ns: string, argv: string[]) => execa('nsenter', [`--net=${ns}`, '--', ...argv], { reject: false, stdin: 'ignore' });
    try {
      expect(await waitFor(async () => (await inNs(ctr, ['ip', 'link', 'set', 'lo', 'up'])).exitCode === 0, 5000)).toBe(true);
      for (const [ns, argv] of [
        [ctr, ['ip', 'link', 'add', 'e0', 'type', 'veth', 'peer', 'name', 'e1', 'netns', client]],
        [ctr, ['ip', 'addr', 'add', '10.0.5.2/24', 'dev', 'e0']],
        [ctr, ['ip', 'link', 'set', 'e0', 'up']],
        [ctr, ['ip', 'route', 'add', 'default', 'via', '10.0.5.1']],
        [client, ['ip', 'addr', 'add', '10.0.5.1/24', 'dev', 'e1']],
        [client, ['ip', 'link', 'set', 'e1', 'up']],
      ] as [string, string[]][]) expect((await inNs(ns, argv)).stderr).toBe('');
      const http = await bundleOf('examples/http-unikraft', 'http-unikraft');
      const config = JSON.parse(readFileSync(join(http, 'config.json'), 'utf8'));
      config.linux.namespaces = [...config.linux.namespaces.filter((n: { type: string }) => n.type !== 'network'), { type: 'network', path: ctr }];
      writeFileSync(join(http, 'config.json'), JSON.stringify(config));
      expect((await create(['--bundle', http, 'c7'])).exitCode).toBe(0);
      expect((await inNs(ctr, ['ip', '-br', 'link', 'show', 'unik-tap0'])).stdout).toContain('unik-tap0');
      expect((await rt(['start', 'c7'])).exitCode).toBe(0);
      const get = () => inNs(client, [process.execPath, '-e', 'fetch("http://10.0.5.2/",{signal:AbortSignal.timeout(1000)}).then(r=>process.exit(r.status===200?0:1),()=>process.exit(1))']);
      expect(await waitFor(async () => (await get()).exitCode === 0, 60_000)).toBe(true);
      // The guest has the veth's address and the netns's gateway; QEMU has no user network.
      expect((await pidsMatching(`qemu-system-x86_64 .*netdev\\.ip=10\\.0\\.5\\.2/24:10\\.0\\.5\\.1 .*-netdev tap,id=net0,ifname=unik-tap0`)).length).toBeGreaterThan(0);
      expect((await rt(['kill', 'c7', 'KILL'])).exitCode).toBe(0);
      expect(await waitFor(async () => (await status('c7')) === 'stopped', 10_000)).toBe(true);
      expect((await rt(['delete', 'c7'])).exitCode).toBe(0);
      expect((await inNs(ctr, ['ip', '-br', 'link'])).stdout).not.toContain('unik-tap0');
      expect((await inNs(ctr, ['tc', 'qdisc', 'show', 'dev', 'e0'])).stdout).not.toContain('ingress');
      expect((await inNs(ctr, ['ip', '-br', 'addr', 'show', 'e0'])).stdout).toContain('10.0.5.2/24');
    } finally {
      for (const h of holders) h.kill('SIGKILL');
    }
  }, 180_000);

  it("the host's netns named by path (docker --network host passes its bind mount) is never given a tap", async () => {
    const http = await bundleOf('examples/http-unikraft', 'http-unikraft');
    const config = JSON.parse(readFileSync(join(http, 'config.json'), 'utf8'));
    config.linux.namespaces = [...config.linux.namespaces.filter((n: { type: string }) => n.type !== 'network'), { type: 'network', path: `/proc/${process.pid}/ns/net` }];
    writeFileSync(join(http, 'config.json'), JSON.stringify(config));
    expect((await create(['--bundle', http, 'c8'])).exitCode).toBe(0);
    // Decided at create (nothing boots before start): QEMU's user network, published on loopback only.
    const plan = JSON.parse(readFileSync(join(root, 'c8', 'boot.json'), 'utf8'));
    expect(plan.spec.devices.net).toMatchObject({ listen: '127.0.0.1', guestIp: '10.0.99.15' });
    expect(plan.spec.devices.net.tap).toBeUndefined();
    expect((await execa('ip', ['-br', 'link'])).stdout).not.toContain('unik-tap0');
    expect((await rt(['delete', '--force', 'c8'])).exitCode).toBe(0);
  }, 120_000);
});
