import type { ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';

/** Something a child process did, with the hrtime (ns) at which this process saw it. */
export type ChildEvent =
  | { type: 'stdout' | 'stderr' | 'report'; data: Buffer; at: bigint }
  | { type: 'spawn' | 'exit'; at: bigint }
  | { type: 'error'; error: Error; at: bigint }
  | { type: 'close'; status: number | null; signal: NodeJS.Signals | null; at: bigint };

/**
 * A child process whose every event is kept from the moment it is spawned until someone attaches, then passed
 * on as it comes: a VMM started before the code that follows it has loaded (lib/early-start.ts) loses nothing,
 * not even an exit that came first. Its stdout, stderr and fd 3 are the streams recorded.
 */
export interface RecordedChild {
  readonly child: ChildProcess;
  /** hrtime (ns) just before the spawn: the origin of every time measured of this process. */
  readonly startedAt: bigint;
  /** Deliver every event so far, in order, then each new one. Once only. */
  attach(on: (e: ChildEvent) => void): void;
}

export function recordChild(child: ChildProcess, startedAt: bigint): RecordedChild {
  const kept: ChildEvent[] = [];
  let sink: ((e: ChildEvent) => void) | null = null;
  const emit = (e: ChildEvent) => {
    if (sink) sink(e);
    else kept.push(e);
  };
  const now = () => process.hrtime.bigint();
  for (const [type, stream] of [['stdout', child.stdout], ['stderr', child.stderr], ['report', child.stdio[3]]] as const) {
    (stream as Readable | null | undefined)?.on('data', (data: Buffer) => emit({ type, data, at: now() }));
  }
  child.on('spawn', () => emit({ type: 'spawn', at: now() }));
  child.on('exit', () => emit({ type: 'exit', at: now() }));
  child.on('error', (error) => emit({ type: 'error', error, at: now() }));
  child.on('close', (status, signal) => emit({ type: 'close', status, signal, at: now() }));
  return {
    child,
    startedAt,
    attach(on) {
      if (sink) throw new Error('a recorded child has one follower');
      sink = on;
      for (const e of kept.splice(0)) on(e);
    },
  };
}
