import { execa } from 'execa';
import { failure } from '../../lib/errors.js';

const TAIL_LINES = 15;

/** The last lines of a command's output: enough to see why it failed, short enough for a terminal. */
export const outputTail = (text: string): string | undefined =>
  text.trimEnd().split('\n').slice(-TAIL_LINES).join('\n') || undefined;

export interface StepOptions {
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** Run a setup or cleanup command (argument array, no shell); its stdout, or a failure with the output tail. */
export async function runStep(title: string, file: string, args: string[], opts: StepOptions = {}): Promise<string> {
  const res = await execa(file, args, {
    stdin: 'ignore',
    all: true,
    reject: false,
    cleanup: true,
    timeout: opts.timeoutMs ?? 120_000,
    forceKillAfterDelay: 2_000,
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (res.failed) throw failure(`${title} failed (${res.shortMessage?.split('\n')[0]})`, outputTail(res.all ?? ''));
  return res.stdout;
}
