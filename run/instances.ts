import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import { failure, usageError } from '../lib/errors.js';
import { layout, type Layout } from '../lib/home.js';
import { packageRoot } from '../lib/package-root.js';
import { isAlive } from '../lib/pid.js';
import type { PortMapping } from '../manifest/manifest.js';
import { machineName, type BootSpec } from '../machine/boot-spec.js';
import type { ImageRecord } from '../images/record.js';
import { prepareBoot, type BootRequest } from './prepare.js';
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
}

const RECORD = 'instance.json';
const READY_WAIT_MS = 60_000;

export const instanceDir = (l: Layout, id: string) => join(l.instances, id);
export const readInstance = (dir: string): Instance => JSON.parse(readFileSync(join(dir, RECORD), 'utf8')) as Instance;
export const writeInstance = (dir: string, inst: Instance) => writeJsonAtomic(join(dir, RECORD), inst);

/** A record that says running while its supervisor is gone (machine reboot, kill -9) is shown as exited. */
function refreshed(inst: Instance): Instance {
  if (inst.state !== 'exited' && !isAlive(inst.supervisorPid)) {
    return { ...inst, state: 'exited', how: inst.how ?? 'supervisor vanished (host reboot or kill -9)', exitCode: inst.exitCode };
  }
  return inst;
}

export function listInstances(l: Layout = layout()): Instance[] {
  if (!existsSync(l.instances)) return [];
  const out: Instance[] = [];
  for (const id of readdirSync(l.instances)) {
    try {
      out.push(refreshed(readInstance(instanceDir(l, id))));
    } catch {
      continue;
    }
  }
  return out.sort((a, b) => codeUnitOrder(b.startedAt, a.startedAt));
}

export function findInstance(ref: string, l: Layout = layout()): Instance {
  const all = listInstances(l);
  const hit = all.find((i) => i.id === ref || i.name === ref) ?? (ref.length >= 4 ? all.filter((i) => i.id.startsWith(ref)) : []).at(0);
  if (!hit) throw usageError(`instance: expected an instance id or name (see "unik ps"), found ${JSON.stringify(ref)}`);
  return hit;
}

export interface DetachOptions extends BootRequest {
  readyHttp: string | null;
  name?: string | undefined;
  onAccelNote?: (note: string) => void;
}

/**
 * Start a guest in the background under a detached supervisor and return once it runs (and, when the image
 * has a ready marker, once it is ready), so `unik run -d` followed by curl just works.
 */
export async function startDetached(image: ImageRecord, o: DetachOptions): Promise<Instance> {
  const l = layout();
  const { spec, shownAccel, note } = await prepareBoot(image, o);
  if (note) o.onAccelNote?.(note);
  const id = randomBytes(6).toString('hex');
  const name = o.name ?? `${image.name}-${id.slice(0, 4)}`;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}$/.test(name)) throw usageError(`--name: expected letters, digits and _.- (at most 63), found ${JSON.stringify(name)}`);
  if (listInstances(l).some((i) => i.name === name)) throw usageError(`--name: expected a name not in use, found ${JSON.stringify(name)} (see "unik ps"; "unik rm ${name}" frees it)`);

  const dir = instanceDir(l, id);
  await mkdir(dir, { recursive: true });
  const inst: Instance = {
    id, name,
    image: { id: image.id, name: image.name, target: image.target },
    state: 'starting', pid: null, supervisorPid: null,
    startedAt: new Date().toISOString(), exitedAt: null, exitCode: null, how: null,
    ports: spec.devices.net?.ports ?? [],
    accel: shownAccel, machine: machineName(spec),
    bootMs: null, readyMs: null, exitMs: null,
    logPath: join(dir, 'console.log'), stderrTail: null,
    spec, ready: image.run.ready, readyHttp: o.readyHttp,
  };
  await writeInstance(dir, inst);
  const sup = spawn(process.execPath, [join(packageRoot(), 'dist', 'run', 'supervisor.js'), dir], { detached: true, stdio: 'ignore' });
  sup.unref();

  const wantReady = !!(inst.ready || inst.readyHttp);
  const deadline = Date.now() + READY_WAIT_MS;
  for (;;) {
    await new Promise((r) => setTimeout(r, 20));
    const cur = readInstance(dir);
    if (cur.state === 'exited') {
      throw failure(`${name} exited during start (${cur.how}); console: ${cur.logPath}`, cur.stderrTail ?? undefined);
    }
    if (cur.state === 'running' && (!wantReady || cur.readyMs !== null)) return cur;
    if (Date.now() > deadline) return cur;
  }
}

/** Stop a running instance: its supervisor terminates QEMU and records the exit. */
export async function stopInstance(ref: string): Promise<Instance> {
  const l = layout();
  const inst = findInstance(ref, l);
  if (inst.state === 'exited') return inst;
  if (inst.supervisorPid) process.kill(inst.supervisorPid, 'SIGTERM');
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    const cur = refreshed(readInstance(instanceDir(l, inst.id)));
    if (cur.state === 'exited') return cur;
  }
  // The supervisor did not finish in time: kill both; pdeathsig takes QEMU with it.
  if (inst.supervisorPid && isAlive(inst.supervisorPid)) process.kill(inst.supervisorPid, 'SIGKILL');
  if (inst.pid && isAlive(inst.pid)) process.kill(inst.pid, 'SIGKILL');
  return refreshed(readInstance(instanceDir(l, inst.id)));
}

export async function removeInstance(ref: string, force: boolean): Promise<Instance> {
  const l = layout();
  let inst = findInstance(ref, l);
  if (inst.state !== 'exited') {
    if (!force) throw usageError(`instance: expected a stopped instance, found ${inst.name} ${inst.state} (unik stop ${inst.name}, or rm --force)`);
    inst = await stopInstance(inst.id);
  }
  await rm(instanceDir(l, inst.id), { recursive: true, force: true });
  return inst;
}
