import { rmSync } from 'node:fs';
import { failure } from '../lib/errors.js';
import { signalName, signalNumber, type Command, type GlobalFlags } from './args.js';
import { cgroupPids, removeCgroups } from './cgroup.js';
import type { OciSpec } from './spec.js';
import { runHooks } from './hooks.js';
import { qmpSocket, START_SIGNAL } from './monitor-plan.js';
import { containerDir, currentStatus, doesNotExist, readRecord, stateJson, writeRecord, type ContainerRecord } from './state.js';

export type Of<N extends Command['name']> = Extract<Command, { name: N }>;

export const kill = (pid: number, sig: NodeJS.Signals | number): void => {
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

/** delete: a stopped (or, with --force, any) container's processes, cgroups, tap and state go; poststop hooks run. */
export async function deleteContainer(g: GlobalFlags, c: Of<'delete'>, spec: OciSpec | null): Promise<void> {
  const rec = mustExist(g, c.id);
  const status = currentStatus(rec);
  if (status === 'running' && !c.force) throw failure(`cannot delete container ${c.id} that is not stopped: running`);
  if (status !== 'stopped') kill(rec.pid, 'SIGKILL');
  await removeCgroups(rec.cgroups);
  // Tap mode: the engine's netns gets its link back (it may outlive the container: a restart, a pod).
  if (rec.tap) await (await import('./netns-tap.js')).unplugTap(rec.tap.netns, rec.tap);
  if (spec) await runHooks(spec.hooks?.poststop, stateJson(rec, 'stopped'), 'poststop').catch(() => {});
  rmSync(containerDir(g.root, c.id), { recursive: true, force: true });
  rmSync(qmpSocket(g.root, c.id), { force: true });
}

/** ps: the container's pids (monitor, reaper, VMM), from its cgroups, or its own pid where none was joined. */
export function ps(g: GlobalFlags, c: Of<'ps'>): string {
  const rec = mustExist(g, c.id);
  const pids = rec.cgroups.length ? cgroupPids(rec.cgroups) : currentStatus(rec) === 'stopped' ? [] : [rec.pid];
  if (c.format === 'json') return JSON.stringify(pids);
  return ['PID', ...pids.map(String)].join('\n');
}
