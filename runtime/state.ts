import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeJsonAtomic } from '../lib/atomic.js';
import { startTimeOf } from '../lib/pid.js';

/**
 * What the runtime keeps for one unik container, in <root>/<id>/unik.json. runc keeps its own containers in
 * <root>/<id>/state.json: a different file name, so a pass-through and a unik container never read each other's.
 */
export interface ContainerRecord {
  id: string;
  bundle: string;
  rootfs: string;
  /** ISO time of create. */
  created: string;
  annotations: Record<string, string>;
  /** The container's process: the monitor that starts, owns and outlives the VMM by nothing. */
  pid: number;
  /** Its start time in clock ticks (field 22 of /proc/PID/stat): with the pid, names one process. */
  pidStart: string;
  /** Set by start, before the monitor is told to boot. */
  started: boolean;
  /** Cgroup directories this container's processes were put in (one per hierarchy), removed by delete. */
  cgroups: string[];
  /** The image, for ps and the logs. */
  image: string;
  /** Tap mode: the engine's netns and the tap made there, taken back by delete. */
  tap?: { netns: string; link: string; tap: string; mtu: number };
}

export type Status = 'created' | 'running' | 'stopped';

export const RECORD_FILE = 'unik.json';
export const containerDir = (root: string, id: string): string => join(root, id);

/** runc's wording, which podman and containerd match on ("does not exist"). */
export const doesNotExist = (id: string): string => `container "${id}" does not exist`;

export function readRecord(root: string, id: string): ContainerRecord | null {
  const file = join(containerDir(root, id), RECORD_FILE);
  if (!existsSync(file)) return null;
  return JSON.parse(readFileSync(file, 'utf8')) as ContainerRecord;
}

export const writeRecord = (root: string, rec: ContainerRecord): Promise<void> => writeJsonAtomic(join(containerDir(root, rec.id), RECORD_FILE), rec);

/** The ids of unik containers under a root. */
export const listIds = (root: string): string[] =>
  existsSync(root) ? readdirSync(root).filter((id) => existsSync(join(root, id, RECORD_FILE))) : [];

/** Pure: a /proc/PID/stat line's state letter (field 3). */
export const procState = (stat: string): string => stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);

/**
 * Pure: the status of a container from its record and its process's /proc/PID/stat (null: no such process).
 * A zombie has ended (its parent, the engine's monitor, has not reaped it yet); another start time means the pid
 * now belongs to someone else.
 */
export function statusOf(rec: Pick<ContainerRecord, 'started' | 'pidStart'>, stat: string | null): Status {
  if (!stat || startTimeOf(stat) !== rec.pidStart) return 'stopped';
  if (['Z', 'X', 'x'].includes(procState(stat))) return 'stopped';
  return rec.started ? 'running' : 'created';
}

export function readStat(pid: number): string | null {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
}

export const currentStatus = (rec: ContainerRecord): Status => statusOf(rec, readStat(rec.pid));

/** Pure: `runc state`'s JSON (runtime-spec's state plus runc's created/owner); a stopped container's pid is 0. */
export function stateJson(rec: ContainerRecord, status: Status): Record<string, unknown> {
  return {
    ociVersion: '1.0.2',
    id: rec.id,
    pid: status === 'stopped' ? 0 : rec.pid,
    status,
    bundle: rec.bundle,
    rootfs: rec.rootfs,
    created: rec.created,
    owner: '',
    annotations: rec.annotations,
  };
}
