import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { writeFileAtomic } from '../lib/atomic.js';
import { failure, usageError } from '../lib/errors.js';
import { packageRoot } from '../lib/package-root.js';
import { startTimeOf } from '../lib/pid.js';
import { KERNEL_PATH } from '../oci/urunc.js';
import { prepareBoot } from '../run/prepare.js';
import type { GlobalFlags } from './args.js';
import { cgroupPath, joinCgroups, removeCgroups } from './cgroup.js';
import { kill, type Of } from './commands.js';
import { bundleImage } from './detect.js';
import type { OciSpec } from './spec.js';
import { runHooks } from './hooks.js';
import { guestMemoryMiB } from './memory.js';
import { BOOT_FILE, qmpSocket, READY_FD, type BootPlan } from './monitor-plan.js';
import { guestNetwork, nameserverOf, networkMode, networkOverrides, type NetnsKind, type NetworkMode } from './guest-network.js';
import type { ImageRecord } from '../images/record.js';
import type { RunOverrides } from '../run/run-devices.js';
import { log } from './log.js';
import { namespaceArgv } from './namespaces.js';
import { plugTap, readNetns, sameNs, unplugTap } from './netns-tap.js';
import { containerDir, readStat, stateJson, writeRecord, type ContainerRecord } from './state.js';

/** Pure: the guest's arguments from process.args: the image's Entrypoint (/unik/kernel) is the VMM, not an argument. */
export const guestArgs = (args: string[] | undefined): string[] | undefined => {
  if (!args?.length) return undefined;
  return args[0] === `/${KERNEL_PATH}` ? args.slice(1) : args;
};

/**
 * The container's netns: the host's where config.json names none, or names by path the netns this runtime (or
 * init) runs in — docker's --network host passes its bind mount of the host's netns —, else its own.
 */
function netnsOf(spec: OciSpec): NetnsKind {
  const ns = spec.linux?.namespaces?.find((n) => n.type === 'network');
  if (!ns) return { kind: 'host' };
  if (ns.path && (sameNs(ns.path, '/proc/self/ns/net') || sameNs(ns.path, '/proc/1/ns/net'))) return { kind: 'host' };
  return { kind: 'own', path: ns.path ?? null };
}

/** The nameserver of the resolv.conf the engine mounts into the container, or null. */
function resolvNameserver(spec: OciSpec): string | null {
  const source = spec.mounts?.find((m) => m.destination === '/etc/resolv.conf')?.source;
  if (!source || !statSync(source, { throwIfNoEntry: false })?.isFile()) return null;
  return nameserverOf(readFileSync(source, 'utf8'));
}

/**
 * Connect a network image's guest in the container's netns (runtime/guest-network.ts decides): the boot's network
 * overrides, and the tap made there, if any, for delete to take back.
 */
async function connectGuest(g: GlobalFlags, image: ImageRecord, spec: OciSpec, pid: number, mode: NetworkMode): Promise<{ overrides: RunOverrides; tap?: ContainerRecord['tap'] }> {
  const net = image.run.devices.net;
  if (!net) return { overrides: {} };
  const netns = netnsOf(spec);
  // The host's netns (--network host) is never changed, nor read: its guest is on the user network.
  const view = netns.kind === 'host' ? { links: [], defaultRoute: null, processes: [] } : await readNetns(pid);
  const connected = guestNetwork({ netns, view, mode, nameserver: resolvNameserver(spec) });
  if (connected.kind === 'none') {
    throw usageError(`${image.name} needs a network (it was built with devices.net) and the container has none (only loopback): run it with a network, not --network none`);
  }
  if (connected.kind === 'user' && connected.why) log(g, 'debug', `${image.name}: user network: ${connected.why}`);
  const overrides = networkOverrides(net, connected);
  if (connected.kind !== 'tap' || netns.kind !== 'own' || !netns.path) return { overrides };
  await plugTap(`/proc/${pid}/ns/net`, connected);
  return { overrides, tap: { netns: netns.path, link: connected.link, tap: connected.tap, mtu: connected.mtu } };
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
 * create: check the image, start the monitor in the container's namespaces and cgroup, run the create hooks,
 * connect the guest in the netns (runtime/guest-network.ts), decide the whole boot (prepareBoot: devices, memory,
 * accelerator probe) for the monitor, write the pid file. Nothing boots until start. Anything that fails takes
 * back what was made.
 */
export async function create(g: GlobalFlags, c: Of<'create'>, spec: OciSpec, found: { rootfs: string; recordFile: string }, monitorArgv: string[]): Promise<void> {
  const dir = containerDir(g.root, c.id);
  if (existsSync(dir)) throw failure(`container with id exists: ${c.id}`);
  const image = bundleImage(found.rootfs, found.recordFile);
  if (spec.process?.terminal && !c.consoleSocket) throw usageError('process.terminal: a terminal needs --console-socket');
  const limit = spec.linux?.resources?.memory?.limit;
  const memoryMiB = guestMemoryMiB(image.run.memoryMiB, limit, image.name);
  const mode = networkMode(spec.annotations, g.guestNetwork);
  mkdirSync(dir, { recursive: true });
  let pid = 0;
  let cgroups: string[] = [];
  let tap: ContainerRecord['tap'];
  try {
    // -t: the monitor runs on a pty whose master goes to the engine (runtime/console.py: SCM_RIGHTS needs python3).
    const terminal = spec.process?.terminal ? ['python3', join(packageRoot(), 'runtime', 'console.py'), c.consoleSocket!] : [];
    const argv = [...namespaceArgv(spec.linux?.namespaces ?? []), ...terminal, ...monitorArgv, dir];
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
    // The netns is read once the hooks have run: a hook may be what sets it up.
    const connected = await connectGuest(g, image, spec, pid, mode);
    tap = connected.tap;
    if (tap) await writeRecord(g.root, { ...rec, tap });
    const prepared = await prepareBoot(image, { memoryMiB, args: guestArgs(spec.process?.args), overrides: connected.overrides, powerButton: true });
    // A guest with a power button gets a QMP socket: the monitor presses the button on SIGTERM (stop).
    const bootSpec = prepared.spec.kind === 'qemu' && prepared.spec.machine.powerButton ? { ...prepared.spec, qmp: qmpSocket(g.root, c.id) } : prepared.spec;
    if (bootSpec.kind === 'qemu' && bootSpec.qmp) mkdirSync(dirname(bootSpec.qmp), { recursive: true });
    const plan: BootPlan = { spec: bootSpec, accel: prepared.accel, reaper: prepared.reaper };
    writeFileSync(join(dir, BOOT_FILE), JSON.stringify(plan));
    if (c.pidFile) await writeFileAtomic(c.pidFile, String(pid));
  } catch (e) {
    if (pid) kill(pid, 'SIGKILL');
    if (tap) await unplugTap(tap.netns, tap);
    await removeCgroups(cgroups);
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

