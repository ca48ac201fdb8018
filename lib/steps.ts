import { execa } from 'execa';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { failure } from './errors.js';

export interface StepOptions {
  cwd?: string;
  env?: Record<string, string>;
}

/** Runs toolchain commands as argument arrays (never a shell), all output into one log file. */
export interface StepRunner {
  logPath: string;
  step(title: string, file: string, args: string[], opts?: StepOptions): Promise<void>;
  close(): Promise<void>;
}

/** Where the current step is shown: a TTY line that rewrites itself, or nothing (quiet, still logged). */
export type ProgressSink = (title: string) => void;

export const LOG_TAIL_LINES = 25;

export async function openStepRunner(logPath: string, progress?: ProgressSink): Promise<StepRunner> {
  await mkdir(dirname(logPath), { recursive: true });
  const log: WriteStream = createWriteStream(logPath, { flags: 'w' });
  let n = 0;
  return {
    logPath,
    async step(title, file, args, opts = {}) {
      n += 1;
      const label = `[${n}] ${title}`;
      progress?.(label);
      log.write(`\n$ ${[file, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}\n`);
      const child = execa(file, args, {
        cwd: opts.cwd,
        env: opts.env,
        stdin: 'ignore',
        all: true,
        buffer: false,
        reject: false,
      });
      child.all?.pipe(log, { end: false });
      if (progress) {
        // Show what the tool is doing right now (e.g. "CC libukalloc: alloc.o"), at most ~10 times a second.
        let last = 0;
        child.all?.on('data', (chunk: Buffer) => {
          const now = Date.now();
          const line = chunk.toString('utf8').trimEnd().split('\n').at(-1)?.trim();
          if (!line || now - last < 100) return;
          last = now;
          const width = Math.max(20, (process.stderr.columns ?? 100) - label.length - 6);
          progress(`${label} · ${line.length > width ? line.slice(0, width - 1) + '…' : line}`);
        });
      }
      const res = await child;
      if (res.exitCode !== 0 || res.failed) {
        await new Promise<void>((r) => log.write('', () => r()));
        const tail = await logTail(logPath);
        const why = res.exitCode !== undefined ? `exit code ${res.exitCode}` : (res.shortMessage ?? 'failed to start');
        throw failure(`${title} failed (${why}); log: ${logPath}`, tail);
      }
    },
    close: () => new Promise((r) => log.end(() => r())),
  };
}

export async function logTail(path: string, lines = LOG_TAIL_LINES): Promise<string> {
  const text = await readFile(path, 'utf8').catch(() => '');
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}
