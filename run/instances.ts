import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import { failure, usageError } from '../lib/errors.js';
import { layout, type Layout } from '../lib/home.js';
import { packageRoot } from '../lib/package-root.js';
import { stillRunning, type ProcessIdentity } from '../lib/pid.js';
import { findByRef } from '../lib/ref.js';
import { withLock } from '../lib/lock.js';
import { readyRegExp } from '../lib/ready-pattern.js';
import type { PortMapping } from '../manifest/manifest.js';
import { machineName, type BootSpec } from '../machine/boot-spec.js';
import type { ImageRecord } from '../images/record.js';
import { checkHostPorts } from './host-ports.js';
import { prepareBoot, type BootRequest } from './prepare.js';
import type { SnapshotOutcome } from './snapshot.js';
import { codeUnitOrder } from '../lib/order.js';

export type InstanceState = 'starting' | 'running' | 'exited';

/** A detached guest. Its supervisor process owns the QEMU process and writes the exit into this record. */
export interface Instance {
  id: string;
  name: string;
  image: { id: string; name: string; target: string };
  state: InstanceState;
  /** The VMM's process: unik's reaper around it (a SIGKILL to it takes QEMU along), or QEMU itself under setpriv. */
  pid: number | null;
  supervisorPid: number | null;
  /** Who the supervisor and the VMM are (lib/pid.ts): only a process that still matches is ever signalled. */
  supervisor: ProcessIdentity | null;
  vmm: ProcessIdentity | null;
  startedAt: string;
  exitedAt: string | null;
  exitCode: number | null;
  how: string | null;
  ports: PortMapping[];
  accel: string;
  machine: string;
  bootMs: number | null;
  readyMs: number | null;
  exitMs: number | null;
  logPath: string;
  stderrTail: string | null;
  spec: BootSpec;
  ready: string | null;
  readyHttp: string | null;
  /** run --rm: the record goes once the guest has exited (and the start was reported). */
  autoRemove?: boolean;
  /** --snapshot: the supervisor restores the image's snapshot, or boots and saves one once ready. */
  snapshot?: boolean;
  /** Set by the supervisor before it starts QEMU: whether it restores the snapshot or saves one. */
  snapshotMode?: 'save' | 'restore';
  /** What became of it, once the guest exited. */
  snapshotResult?: SnapshotOutcome;
}

const RECORD = 'instance.json';
const READY_WAIT_MS = 60_000;

export const instanceDir = (l: Layout, id: string) => join(l.instances, id);
export const readInstance = (dir: string): Instance => JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as Instance;
export const writeInstance = (dir: string, inst: Instance) => writeJsonAtomic(join(dir, RECORD), inst);

/**
 * A record that says running while its supervisor is gone (machine reboot, kill -9, OOM) is shown as exited,
 * also when the supervisor's pid now belongs to another process.
 */
function refreshed(inst: Instance): Instance {
  if (inst.state !== 'exited' && !stillRunning(inst.supervisor)) {
    return { ...inst, state: 'exited', how: inst.how ?? 'supervisor vanished (host reboot or kill -9)', exitCode: inst.exitCode };
  }
  return inst;
}

export function listInstances(l: Layout = layout()): Instance[] {
  if (!existsSync(l.instances)) return [];
  const out: Instance[] = [];
  for (const id of readdirSync(l.instances)) {
    if (id.startsWith('.')) continue;
    try {
      out.push(refreshed(readInstance(instanceDir(l, id))));
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => codeUnitOrder(b.startedAt, a.startedAt));
}

const INSTANCE_REF = { kind: 'instance', id: (i: Instance) => i.id, name: (i: Instance) => i.name, list: 'ps' } as const;

export const findInstance = (ref: string, l: Layout = layout()): Instance => findByRef(listInstances(l), ref, INSTANCE_REF);

export interface DetachOptions extends BootRequest {
  name?: string | undefined;
  autoRemove?: boolean;
  snapshot?: boolean;
  onAccelNote?: (note: string) => void;
}

/**
 * Start a guest in the background under a detached supervisor and return once it runs: its first console output
 * (or, when the image has a ready marker, once it is ready), so `unik run -d` followed by curl just works. A
 * guest that dies first fails the start with QEMU's reason; its record stays for `unik logs`.
 */
export async function startDetached(image: ImageRecord, o: DetachOptions): Promise<Instance> {
  const l = layout();
  // Checked here: the supervisor, detached, could only fail silently on a pattern it cannot use.
  if (image.run.ready) readyRegExp(image.run.ready, image.name);
  const { spec, shownAccel, note, readyHttp } = await prepareBoot(image, o);
  if (note) o.onAccelNote?.(note);
  if (o.snapshot) (await import('./snapshot.js')).snapshottable(image, spec, readyHttp);
  const id = randomBytes(6).toString('hex');
  const name = o.name ?? `${image.name}-${id.slice(0, 4)}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) throw usageError(`--name: expected letters, digits and _.- (at most 63), found ${JSON.stringify(name)}`);
  await checkHostPorts(spec.devices.net?.ports ?? []);

  const dir = instanceDir(l, id);
  const inst: Instance = {
    id, name,
    image: { id: image.id, name: image.name, target: image.target },
    state: 'starting', pid: null, supervisorPid: null, supervisor: null, vmm: null,
    startedAt: new Date().toISOString(), exitedAt: null, exitCode: null, how: null,
    ports: spec.devices.net?.ports ?? [],
    accel: shownAccel, machine: machineName(spec),
    bootMs: null, readyMs: null, exitMs: null,
    logPath: join(dir, 'console.log'), stderrTail: null,
    spec, ready: image.run.ready, readyHttp,
    ...(o.autoRemove ? { autoRemove: true } : {}),
    ...(o.snapshot ? { snapshot: true } : {}),
  };
  await recordNewInstance(l, inst);
  const sup = spawn(process.execPath, [join(packageRoot(), 'dist', 'run', 'supervisor.js'), dir], { detached: true, stdio: 'ignore' });
  sup.unref();

  try {
    const started = await startOf(dir, name, !!(inst.ready || inst.readyHttp));
    if (o.autoRemove) await handOver(dir);
    return started;
  } catch (e) {
    if (o.autoRemove) await fsp.rm(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Marks that `run -d` has reported the start, after which the supervisor of a --rm instance removes it. */
export const HANDED_OVER = 'handed-over';

/**
 * run -d --rm: the supervisor removes the record at the exit only once the start was reported (so the start
 * can read it); a guest that exited before that is removed here. Either side sees the other's step.
 */
async function handOver(dir: string): Promise<void> {
  await fsp.writeFile(join(dir, HANDED_OVER), '');
  if (readInstance(dir).state === 'exited') await fsp.rm(dir, { recursive: true, force: true });
}

/** Poll the record until the guest runs (first output, or ready when it has a marker), has exited, or a minute passed. */
async function startOf(dir: string, name: string, wantReady: boolean): Promise<Instance> {
  const deadline = Date.now() + READY_WAIT_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const cur = readInstance(dir);
    // A guest that did its work and exited 0 before we looked (a batch job) started fine.
    if (cur.state === 'exited' && cur.exitCode === 0 && cur.pid !== null) return cur;
    if (cur.state === 'exited') {
      // QEMU's (or the tender's) own last error is the reason where it gave one; the exit's meaning otherwise.
      const what = cur.stderrTail ? `failed to start: ${cur.stderrTail.split('\n').at(-1)}` : `exited during start (${cur.how})`;
      throw failure(`${name} ${what}; exit code ${cur.exitCode}, "unik logs ${name}" shows its output`, cur.stderrTail ?? undefined);
    }
    // Running means the guest itself runs (its first output), not merely that QEMU was spawned.
    if (cur.state === 'running' && (wantReady ? cur.readyMs !== null : cur.bootMs !== null)) return cur;
    if (Date.now() > deadline) return cur;
  }
}

/**
 * Write a new instance's record, its name unused: checking the name and writing the record is one step under
 * a lock, so two `run -d --name same` at once cannot both pass the check.
 */
export async function recordNewInstance(l: Layout, inst: Instance): Promise<void> {
  await withLock(join(l.instances, '.names.lock'), async () => {
    const name = inst.name;
    if (listInstances(l).some((i) => i.name === name)) throw usageError(`--name: expected a name not in use, found ${JSON.stringify(name)} (see "unik ps"; "unik rm ${name}" frees it)`);
    await fsp.mkdir(instanceDir(l, inst.id), { recursive: true });
    await writeInstance(instanceDir(l, inst.id), inst);
  });
}

/** Signal a recorded process only while it is still the one recorded (its pid may belong to another by now). */
const signalIfSame = (id: ProcessIdentity | null, sig: NodeJS.Signals) => {
  if (stillRunning(id)) process.kill(id.pid, sig);
};

/**
 * Stop a running instance: its supervisor terminates QEMU and records the exit. An instance whose supervisor
 * is gone is only marked exited: nothing is signalled.
 */
export async function stopInstance(ref: string): Promise<Instance> {
  const l = layout();
  const dir = (id: string) => instanceDir(l, id);
  const inst = findInstance(ref, l);
  if (inst.state === 'exited') {
    const stored = readInstance(dir(inst.id));
    if (stored.state !== 'exited') await writeInstance(dir(inst.id), { ...inst, exitedAt: new Date().toISOString() });
    return inst;
  }
  signalIfSame(inst.supervisor, 'SIGTERM');
  // A --rm instance's supervisor removes the record as it finishes: its last state is then "exited".
  const current = (): Instance => {
    try {
      return refreshed(readInstance(dir(inst.id)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return { ...inst, state: 'exited', how: 'stopped and removed (--rm)' };
    }
  };
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    const cur = current();
    if (cur.state === 'exited') return cur;
  }
  // The supervisor did not finish in time: kill both; pdeathsig takes QEMU with it.
  signalIfSame(inst.supervisor, 'SIGKILL');
  signalIfSame(inst.vmm, 'SIGKILL');
  return current();
}

export async function removeInstance(ref: string, force: boolean): Promise<Instance> {
  const l = layout();
  let inst = findInstance(ref, l);
  if (inst.state !== 'exited') {
    if (!force) throw usageError(`instance: expected a stopped instance, found ${inst.name} ${inst.state} (unik stop ${inst.name}, or rm --force)`);
    inst = await stopInstance(inst.id);
  }
  await fsp.rm(instanceDir(l, inst.id), { recursive: true, force: true });
  return inst;
}
