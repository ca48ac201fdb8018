import { execa } from 'execa';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unik } from '../helpers/cli.js';
import { freePort } from '../helpers/registry.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { cmdOnly, sharedEngineCases, stdinCase } from './engine-cases.js';
import { engineSuite, readProbeRef, RUNTIME, staticImageTar, type EngineImages } from './engine-images.js';

const SUITE = 'unik-runtime under podman (integration)';
const images = await engineSuite(SUITE, ['podman', 'slirp4netns'], 'podman slirp4netns');

/**
 * podman with a private store and a private containers.conf (runc as its default runtime and ulimits under this
 * host's hard caps, ../shared/docs/toolchains.md): the user's own podman configuration and images are untouched.
 */
function privatePodman() {
  const dir = tmpTree();
  const conf = join(dir, 'containers.conf');
  writeFileSync(conf, ['[containers]', 'default_ulimits = ["nofile=20000:20000","nproc=32768:32768"]', '[engine]', 'runtime = "runc"', 'cgroup_manager = "cgroupfs"', 'events_logger = "file"', ''].join('\n'));
  const root = join(dir, 'storage');
  const base = ['--root', root, '--runroot', join(dir, 'run'), '--storage-driver', 'vfs'];
  const podman = (args: string[], timeout = 120_000, input?: string) =>
    execa('podman', [...base, ...args], { env: { CONTAINERS_CONF: conf }, reject: false, timeout, ...(input === undefined ? { stdin: 'ignore' as const } : { input }) });
  return { podman, root, home: dir };
}

describe.skipIf(!images)(SUITE, () => {
  const { podman, root, home } = privatePodman();
  const img = images as EngineImages;
  const run = (args: string[], input?: string) => podman(['run', '--runtime', RUNTIME, ...args], 120_000, input);
  let readProbe: string;
  /** The VMMs (QEMU under unik's reaper) of this podman: their argv holds a kernel path in its private store. */
  const vmms = () => pidsMatching(`qemu-system-x86_64 .*${root}`);

  beforeAll(async () => {
    readProbe = await readProbeRef(img.registry);
    for (const ref of [...Object.values(img.refs), readProbe]) {
      const pulled = await podman(['pull', '--tls-verify=false', ref!]);
      expect(pulled.exitCode, pulled.stderr).toBe(0);
    }
    const imported = await execa('podman', ['--version']).then(() => staticImageTar()).then((tar) => podman(['import', '--change', 'CMD ["/hello"]', tar, 'localhost/static-hello:1']));
    expect(imported.exitCode, imported.stderr).toBe(0);
  }, 600_000);

  afterAll(async () => {
    await podman(['rm', '-fa']);
    await img.stop();
    rmSync(home, { recursive: true, force: true });
  });

  sharedEngineCases('podman', images, (ref, _name, argv) => run(['--rm', '--network', 'none', ref, ...cmdOnly(argv)]));

  it('-t: the console comes through the pty whose master the runtime sent over --console-socket', async () => {
    const r = await run(['-t', '--rm', '--network', 'none', img.refs.hello]);
    expect(r.exitCode, r.stderr).toBe(0);
    // A terminal's line discipline turns the guest's \r\n into \r\r\n (execa strips the last \r\n): a pty.
    expect(r.stdout).toMatch(/Hello, world! \(from a unik-built unikernel\)\r$/);
  }, 120_000);

  stdinCase('podman', { run: (name, input) => run(['-i', '--rm', '--name', name, '--network', 'none', readProbe], input), remove: (name) => podman(['rm', '-f', name]), vmms });

  it('a memory limit too small for the guest is an error naming both numbers', async () => {
    const r = await run(['--rm', '--network', 'none', '--memory', '64m', img.refs.hello]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toMatch(/linux\.resources\.memory\.limit: expected at least \d+ MiB for hello-unikraft \(8 MiB of guest memory \+ \d+ MiB for the VMM and its monitor\), found 64 MiB/);
  }, 120_000);

  it('a network image with no network is a clear error', async () => {
    const r = await run(['--rm', '--network', 'none', img.refs.http]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stderr).toContain('http-unikraft needs a network (it was built with devices.net) and the container has none');
    expect(await vmms()).toEqual([]);
  }, 120_000);

  describe('http-unikraft behind slirp4netns (-p 127.0.0.1:H:80)', () => {
    const served = async (name: string) => {
      const port = await freePort();
      const started = await run(['-d', '--name', name, '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:80`, img.refs.http]);
      expect(started.exitCode, started.stderr).toBe(0);
      const ok = await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200, 60_000);
      expect(ok).toBe(true);
      const id = started.stdout.trim();
      return { id, port };
    };
    const gone = async (id: string) => {
      expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
      expect(await pidsMatching(`unik-runtime.cjs --unik-monitor .*${id}`)).toEqual([]);
    };

    it('answers 200; podman logs has the console; stop ends it (143) and no VMM is left', async () => {
      const { id } = await served('web-stop');
      const logs = (await podman(['logs', 'web-stop'])).stdout;
      expect(logs).toContain('listening on port 80');
      // podman's default port handler dials from inside the netns: the guest is on QEMU's user network there.
      expect(logs).toContain('Set IPv4 address 10.0.99.15');
      expect((await vmms()).length).toBeGreaterThan(0);
      const top = await podman(['inspect', '--format', '{{.State.Pid}}', 'web-stop']);
      expect(Number(top.stdout)).toBeGreaterThan(0);
      expect((await podman(['stop', '-t', '5', 'web-stop'])).exitCode).toBe(0);
      expect((await podman(['inspect', '--format', '{{.State.ExitCode}}', 'web-stop'])).stdout).toBe('143');
      await gone(id);
      expect((await podman(['rm', 'web-stop'])).exitCode).toBe(0);
      expect(existsSync(`/run/unik-runtime/${id}`)).toBe(false);
    }, 180_000);

    it('kill, then rm -f of a running one, leave no VMM', async () => {
      const a = await served('web-kill');
      expect((await podman(['kill', 'web-kill'])).exitCode).toBe(0);
      await gone(a.id);
      const b = await served('web-rmf');
      expect((await podman(['rm', '-f', 'web-rmf'])).exitCode).toBe(0);
      await gone(b.id);
      expect(existsSync(`/run/unik-runtime/${b.id}`)).toBe(false);
    }, 240_000);

    it('SIGKILL of conmon leaves no VMM', async () => {
      const { id } = await served('web-conmon');
      const conmon = Number((await podman(['inspect', '--format', '{{.State.ConmonPid}}', 'web-conmon'])).stdout);
      expect(conmon).toBeGreaterThan(0);
      process.kill(conmon, 'SIGKILL');
      await gone(id);
      // Without conmon nobody writes podman's exit file: podman's first rm -f may time out waiting for it (as with
      // runc); the next one deletes the container through the runtime.
      const first = await podman(['rm', '-f', 'web-conmon']);
      if (first.exitCode !== 0) expect(first.stderr).toContain('timed out waiting for file');
      const rm = await podman(['rm', '-f', '--ignore', 'web-conmon']);
      expect(rm.exitCode, rm.stderr).toBe(0);
      expect(existsSync(`/run/unik-runtime/${id}`)).toBe(false);
    }, 180_000);
  });

  it("tap: behind slirp4netns's own port forwarding the guest has the container's address, and answers 200 through -p", async () => {
    const port = await freePort();
    const started = await run(['-d', '--name', 'web-tap', '--network', 'slirp4netns:port_handler=slirp4netns', '-p', `127.0.0.1:${port}:80`, img.refs.http]);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200, 60_000)).toBe(true);
    // The container's address, read in its netns, is the one the guest's stack reports on the console.
    const pid = (await podman(['inspect', '--format', '{{.State.Pid}}', 'web-tap'])).stdout.trim();
    const addr = await execa('nsenter', [`--net=/proc/${pid}/ns/net`, '--', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'tap0']);
    const ip = /inet (\S+)\//.exec(addr.stdout)?.[1];
    expect(ip).toBe('10.0.2.100');
    expect((await podman(['logs', 'web-tap'])).stdout).toContain(`Set IPv4 address ${ip} mask 255.255.255.0 gw 10.0.2.2`);
    expect((await podman(['rm', '-f', 'web-tap'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
  }, 180_000);

  // OSv's toolchain is here where hello-osv was built: http-osv then comes from the product's cache.
  it.skipIf(!images?.refs.osv)("http-osv on the tap: OSv's eth0 is the container's address; stop presses its ACPI power button (exit 0)", async () => {
    const built = await unik(['build', 'examples/http-osv', '--json']);
    expect(built.exitCode, built.stderr).toBe(0);
    const ref = `${img.registry.address}/unik/http-osv:1`;
    expect((await unik(['push', JSON.parse(built.stdout).image.id, ref, '--insecure'])).exitCode).toBe(0);
    expect((await podman(['pull', '--tls-verify=false', ref])).exitCode).toBe(0);
    const port = await freePort();
    const started = await run(['-d', '--name', 'osv-tap', '--network', 'slirp4netns:port_handler=slirp4netns', '-p', `127.0.0.1:${port}:80`, ref]);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200, 60_000)).toBe(true);
    expect((await podman(['logs', 'osv-tap'])).stdout).toContain('eth0: 10.0.2.100');
    const stop = await podman(['stop', '-t', '30', 'osv-tap']);
    expect(stop.exitCode, stop.stderr).toBe(0);
    // Not 143 (stopped by the signal) nor 137 (killed after the timeout): the guest powered off.
    expect((await podman(['inspect', '--format', '{{.State.ExitCode}}', 'osv-tap'])).stdout).toBe('0');
    expect(await waitFor(async () => (await vmms()).length === 0, 20_000)).toBe(true);
    expect((await podman(['rm', 'osv-tap'])).exitCode).toBe(0);
  }, 300_000);

  it('--rm of a running container stopped with podman stop leaves nothing', async () => {
    const port = await freePort();
    const started = await run(['-d', '--rm', '--name', 'web-rm', '--network', 'slirp4netns', '-p', `127.0.0.1:${port}:80`, img.refs.http]);
    expect(started.exitCode, started.stderr).toBe(0);
    expect(await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/`).catch(() => null))?.status === 200, 60_000)).toBe(true);
    expect((await podman(['stop', '-t', '5', 'web-rm'])).exitCode).toBe(0);
    expect(await waitFor(async () => (await vmms()).length === 0 && (await podman(['ps', '-aq', '--filter', 'name=web-rm'])).stdout.trim() === '', 20_000)).toBe(true);
  }, 180_000);
});
