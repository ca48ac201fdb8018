import { readFileSync, readlinkSync, realpathSync } from 'node:fs';

/** Whether a process exists (EPERM: it exists but belongs to someone else). */
export function isAlive(pid: number | null | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who a pid was when unik recorded it. A pid alone is reused after its process dies (kill -9, OOM, reboot);
 * the kernel's boot id, the start time in clock ticks since boot (field 22 of /proc/PID/stat) and the
 * executable together name one process, so a record never makes unik signal a stranger.
 */
export interface ProcessIdentity {
  pid: number;
  boot: string;
  start: string;
  exe: string;
}

const readOr = (read: () => string): string | null => {
  try {
    return read();
  } catch {
    return null;
  }
};

let bootId: string | null = null;
const currentBoot = (): string => (bootId ??= readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim()) ?? '');

/** Pure: field 22 (starttime) of a /proc/PID/stat line. The command name (field 2) may hold spaces and ')'. */
export function startTimeOf(stat: string): string | null {
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state), so field 22 is fields[19].
  return /^\d+$/.test(fields[19] ?? '') ? fields[19]! : null;
}

/** Clock ticks per second of /proc/PID/stat times (USER_HZ: 100 on every Linux architecture unik runs on). */
const USER_HZ = 100;

/** When a process started (ms since the epoch, to about a second: the boot time has whole seconds), or null. */
export function startedAtMs(pid: number): number | null {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const ticks = stat ? startTimeOf(stat) : null;
  const btime = /^btime (\d+)$/m.exec(readOr(() => readFileSync('/proc/stat', 'utf8')) ?? '')?.[1];
  return ticks && btime ? Number(btime) * 1000 + (Number(ticks) * 1000) / USER_HZ : null;
}

/** The executable a process runs now, resolved the way the kernel shows it. */
export const exeOf = (pid: number): string | null => readOr(() => readlinkSync(`/proc/${pid}/exe`));

/** A command's file as /proc/PID/exe will show it once the process has exec'd it. */
export const resolvedExe = (file: string): string => readOr(() => realpathSync(file)) ?? file;

/**
 * The identity of a live process, or null when there is none. `exe` names the executable the caller started
 * (a process behind `setpriv` shows setpriv's until it execs); default: what /proc shows now.
 */
export function identify(pid: number, exe?: string): ProcessIdentity | null {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  const start = stat ? startTimeOf(stat) : null;
  const shown = exe ?? exeOf(pid);
  return start && shown ? { pid, boot: currentBoot(), start, exe: shown } : null;
}

/** Whether the process recorded as `id` is still the one running under that pid. */
export function stillRunning(id: ProcessIdentity | null | undefined): id is ProcessIdentity {
  if (!id) return false;
  const now = identify(id.pid);
  // An executable replaced on disk (a package upgrade) shows as "PATH (deleted)": still the same process.
  return !!now && now.boot === id.boot && now.start === id.start && now.exe.replace(/ \(deleted\)$/, '') === id.exe;
}

/** The identity recorded in a JSON file (a pid file of unik's own), or null when it holds none. */
export function readIdentity(file: string): ProcessIdentity | null {
  try {
    const o = JSON.parse(readFileSync(file, 'utf8')) as Partial<ProcessIdentity>;
    return typeof o.pid === 'number' && typeof o.boot === 'string' && typeof o.start === 'string' && typeof o.exe === 'string' ? (o as ProcessIdentity) : null;
  } catch {
    return null;
  }
}
