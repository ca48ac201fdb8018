import { readFileSync } from 'node:fs';

/** Bytes a process read and wrote so far, sockets included (/proc/PID/io rchar + wchar); 0 once it is gone. */
function ioOf(pid: number): number {
  try {
    const text = readFileSync(`/proc/${pid}/io`, 'utf8');
    return Number(/rchar: (\d+)/.exec(text)?.[1] ?? 0) + Number(/wchar: (\d+)/.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The direct children of a process (empty when it is gone). */
export function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/**
 * The I/O of a process and everything below it: a transfer that moves no byte for a while is stalled, whatever
 * it prints (skopeo through a pipe prints nothing while a blob moves).
 */
export function treeIo(pid: number): number {
  let total = 0;
  const todo = [pid];
  for (let n = 0; todo.length && n < 256; n++) {
    const p = todo.pop()!;
    total += ioOf(p);
    todo.push(...childrenOf(p));
  }
  return total;
}
