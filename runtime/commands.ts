import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { writeFileAtomic } from '../lib/atomic.js';
import { failure, usageError } from '../lib/errors.js';
import { startTimeOf } from '../lib/pid.js';
import { KERNEL_PATH } from '../oci/urunc.js';
import { prepareBoot } from '../run/prepare.js';
import { signalName, signalNumber, type Command, type GlobalFlags } from './args.js';
import { cgroupPath, cgroupPids, joinCgroups, removeCgroups } from './cgroup.js';
import { bundleImage, type OciSpec } from './detect.js';
import { runHooks } from './hooks.js';
import { guestMemoryMiB } from './memory.js';
import { BOOT_FILE, READY_FD, START_SIGNAL, type BootPlan } from './monitor.js';
import { hasNetwork, namespaceArgv } from './namespaces.js';
import { containerDir, currentStatus, doesNotExist, readRecord, readStat, stateJson, writeRecord, type ContainerRecord } from './state.js';

/**
 * QEMU's user network inside a container: not QEMU's default 10.0.2.0/24, which is slirp4netns's (the container is
 * 10.0.2.100 there): a connection from an address in the guest's own subnet would be answered on the wrong link.
 */
export const GUEST_SUBNET = { guestIp: '10.0.99.15', gateway: '10.0.99.2', prefix: 24, nameserver: '10.0.99.3' };

type Of<N extends Command['name']> = Extract<Command, { name: N }>;

/** Pure: the guest's arguments from process.args: the image's Entrypoint (/unik/kernel) is the VMM, not an argument. */
export const guestArgs = (args: string[] | undefined): string[] | undefined => {
  if (!args?.length) return undefined;
  return args[0] === `/${KERNEL_PATH}` ? args.slice(1) : args;
};

/** The bundle's config.json; a missing or broken one is runc's usage error. */
export function readSpec(bundle: string): OciSpec {
  try {
    return JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciSpec;
  } catch (e) {
    throw usageError(`${join(bundle, 'config.json')}: expected an OCI runtime config, found ${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'}`);
  }
}

/** Wait for the monitor's "ready" line on its fd 3: it then runs inside its namespaces and waits for start. */
function monitorReady(pipe: Readable, child: ReturnType<typeof spawn>, timeoutMs = 15_000): Promise<void> {
  return new Promise((resolve, reject) => {
    let got = '';
    const timer = setTimeout(() => reject(failure(`the container's monitor did not start within ${timeoutMs / 1000} s`)), timeoutMs);
    pipe.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.includes('ready\n')) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(failure(`the container's monitor ended before it was ready (${signal ?? `exit status ${code}`})`));
    });
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(failure(`cannot start the container's monitor: ${e.message}`));
    });
  });
}

/**
 * create: check the image, decide the whole boot (prepareBoot: devices, memory, accelerator probe), start the
 * monitor in the container's namespaces and cgroup, run the create hooks, write the pid file. Nothing boots
 * until start. Anything that fails takes back what was made.
 */
export async function create(g: GlobalFlags, c: Of<'create'>, spec: OciSpec, found: { rootfs: string; recordFile: string }, monitorArgv: string[]): Promise<void> {
  const dir = containerDir(g.root, c.id);
  if (existsSync(dir)) throw failure(`container with id exists: ${c.id}`);
  const image = bundleImage(found.rootfs, found.recordFile);
  if (spec.process?.terminal && !c.consoleSocket) throw usageError('process.terminal: a terminal needs --console-socket');
  if (spec.process?.terminal) throw usageError('process.terminal: unik containers have no terminal yet (run without -t)');
  const limit = spec.linux?.resources?.memory?.limit;
  const memoryMiB = guestMemoryMiB(image.run.memoryMiB, limit, image.name);
  const net = image.run.devices.net;
  // In the container's own netns every address is the container's; in the host's (--network host) only loopback.
  const ownNetns = (spec.linux?.namespaces ?? []).some((n) => n.type === 'network');
  const prepared = await prepareBoot(image, {
    memoryMiB,
    args: guestArgs(spec.process?.args),
    // Each guest port is published on the same port of the container's own addresses; the engine maps host ports.
    overrides: net ? { ports: net.ports.map((p) => `${p.guest}:${p.guest}${p.protocol === 'udp' ? '/udp' : ''}`), listen: ownNetns ? '0.0.0.0' : '127.0.0.1', subnet: GUEST_SUBNET } : {},
  });
  mkdirSync(dir, { recursive: true });
  let pid = 0;
  let cgroups: string[] = [];
  try {
    const plan: BootPlan = { spec: prepared.spec, accel: prepared.accel, reaper: prepared.reaper };
    writeFileSync(join(dir, BOOT_FILE), JSON.stringify(plan));
    const argv = [...namespaceArgv(spec.linux?.namespaces ?? []), ...monitorArgv, dir];
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', 'pipe'], cwd: found.rootfs });
    pid = child.pid ?? 0;
    await monitorReady(child.stdio[READY_FD] as Readable, child);
    child.unref();
    (child.stdio[READY_FD] as Readable).destroy();
    child.removeAllListeners('exit');
    cgroups = joinCgroups(cgroupPath(spec.linux?.cgroupsPath, g.systemdCgroup, c.id), pid, limit && limit > 0 ? limit : null);
    const rec: ContainerRecord = {
      id: c.id,
      bundle: c.bundle,
      rootfs: found.rootfs,
      created: new Date().toISOString(),
      annotations: spec.annotations ?? {},
      pid,
      pidStart: startTimeOf(readStat(pid) ?? '') ?? '',
      started: false,
      cgroups,
      image: image.name,
    };
    await writeRecord(g.root, rec);
    const state = stateJson(rec, 'created');
    await runHooks(spec.hooks?.prestart, state, 'prestart');
    await runHooks(spec.hooks?.createRuntime, state, 'createRuntime');
    if (net && !hasNetwork(readFileSync(`/proc/${pid}/net/dev`, 'utf8'))) {
      throw usageError(`${image.name} needs a network (it was built with devices.net) and the container has none (only loopback): run it with a network, not --network none`);
    }
    if (c.pidFile) await writeFileAtomic(c.pidFile, String(pid));
  } catch (e) {
    if (pid) kill(pid, 'SIGKILL');
    await removeCgroups(cgroups);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

const kill = (pid: number, sig: NodeJS.Signals | number): void => {
  try {
    process.kill(pid, sig);
  } catch {
    // gone already
  }
};

const mustExist = (g: GlobalFlags, id: string): ContainerRecord => {
  const rec = readRecord(g.root, id);
  if (!rec) throw failure(doesNotExist(id));
  return rec;
};

/** start: tell the created container's monitor to boot, then run poststart hooks. */
export async function start(g: GlobalFlags, id: string, spec: OciSpec | null): Promise<void> {
  const rec = mustExist(g, id);
  const status = currentStatus(rec);
  if (status === 'stopped') throw failure('cannot start a container that has stopped');
  if (status === 'running') throw failure('cannot start an already running container');
  rec.started = true;
  await writeRecord(g.root, rec);
  kill(rec.pid, START_SIGNAL);
  if (spec) await runHooks(spec.hooks?.poststart, stateJson(rec, 'running'), 'poststart');
}

export function state(g: GlobalFlags, id: string): string {
  const rec = mustExist(g, id);
  return JSON.stringify(stateJson(rec, currentStatus(rec)), null, 2);
}

/** kill: the signal goes to the monitor, which passes it to the VMM through the reaper (--all: the whole cgroup). */
export function killContainer(g: GlobalFlags, c: Of<'kill'>): void {
  const rec = mustExist(g, c.id);
  const sig = signalName(signalNumber(c.signal));
  if (currentStatus(rec) === 'stopped') throw failure('container not running');
  kill(rec.pid, sig);
  if (c.all) for (const pid of cgroupPids(rec.cgroups)) kill(pid, sig);
}

/** delete: a stopped (or, with --force, any) container's processes, cgroups and state go; poststop hooks run. */
export async function deleteContainer(g: GlobalFlags, c: Of<'delete'>, spec: OciSpec | null): Promise<void> {
  const rec = mustExist(g, c.id);
  const status = currentStatus(rec);
  if (status === 'running' && !c.force) throw failure(`cannot delete container ${c.id} that is not stopped: running`);
  if (status !== 'stopped') kill(rec.pid, 'SIGKILL');
  await removeCgroups(rec.cgroups);
  if (spec) await runHooks(spec.hooks?.poststop, stateJson(rec, 'stopped'), 'poststop').catch(() => {});
  rmSync(containerDir(g.root, c.id), { recursive: true, force: true });
}

/** ps: the container's pids (monitor, reaper, VMM), from its cgroups, or its own pid where none was joined. */
export function ps(g: GlobalFlags, c: Of<'ps'>): string {
  const rec = mustExist(g, c.id);
  const pids = rec.cgroups.length ? cgroupPids(rec.cgroups) : currentStatus(rec) === 'stopped' ? [] : [rec.pid];
  if (c.format === 'json') return JSON.stringify(pids);
  return ['PID', ...pids.map(String)].join('\n');
}
