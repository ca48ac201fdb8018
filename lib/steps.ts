import type { ResultPromise } from 'execa';
import { childProcess } from './child-process.js';
import { createWriteStream, type WriteStream, promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { failure } from './errors.js';
import { humanBytes } from './format.js';
import { isDiagnostic, type ProgressSink, type StepInfo } from './progress.js';
import { treeIo } from './proc-io.js';
import { tiedGroup } from './tied.js';

/**
 * The one way unik runs external tools (make, dune, gcc, container runtimes): argument arrays, never a shell;
 * a failure is one line naming the step and why, with the output's tail as detail.
 */
export interface StepOptions {
  cwd?: string;
  env?: Record<string, string>;
  /** Kill the tool after this long (default: none for logged builds, 2 min for quick commands). */
  timeoutMs?: number;
  /** Kill the tool when it and its children read and write nothing for this long (a stalled network transfer). */
  idleTimeoutMs?: number;
}

/** A step stopped because its tool moved no byte for StepOptions.idleTimeoutMs. */
export class IdleTimeout extends Error {
  constructor(readonly idleMs: number, readonly logPath: string) {
    super(`no progress for ${Math.round(idleMs / 1000)} s`);
  }
}

/** Watch a running tool's I/O; `onIdle` once it has moved nothing for `idleMs`. Returns the stop function. */
function watchIdle(pid: number | undefined, idleMs: number, onIdle: () => void): () => void {
  if (!pid) return () => {};
  let last = -1;
  let since = Date.now();
  const timer = setInterval(() => {
    const now = treeIo(pid);
    if (now !== last) {
      last = now;
      since = Date.now();
    } else if (Date.now() - since >= idleMs) {
      clearInterval(timer);
      onIdle();
    }
  }, Math.min(1000, Math.max(100, idleMs / 5)));
  timer.unref();
  return () => clearInterval(timer);
}

/** Runs a sequence of steps, all output into one log file; the current step goes to `progress` (a TTY line). */
export interface StepRunner {
  logPath: string;
  /** Whether a step's tool was killed (a signal or a timeout) instead of exiting: its outputs may be half-written. */
  killed(): boolean;
  /** How many steps this run takes in all (those run so far included), for "step 2/5"; a builder says so once it knows. */
  plan(total: number): void;
  step(title: string, file: string, args: string[], opts?: StepOptions): Promise<void>;
  /** Ends the log; a run that took no step (it failed a check first, or had nothing to run) leaves no empty log. */
  close(): Promise<void>;
  /** Whether the log is kept: some step ran. Known after close. */
  logged(): boolean;
}

const TAIL_LINES = 25;

/** The last lines of some output: enough to see why a step failed, short enough for a terminal. */
export const outputTail = (text: string, lines = TAIL_LINES): string | undefined =>
  text.trimEnd().split('\n').slice(-lines).join('\n') || undefined;

export async function logTail(path: string, lines = TAIL_LINES): Promise<string> {
  return outputTail(await fsp.readFile(path, 'utf8').catch(() => ''), lines) ?? '';
}

const why = (res: { exitCode?: number | undefined; timedOut?: boolean; shortMessage?: string }) =>
  res.timedOut ? 'timed out' : res.exitCode !== undefined ? `exit code ${res.exitCode}` : (res.shortMessage?.split('\n')[0] ?? 'failed to start');

/** A build log is tens of KB (an OSv kernel's a few hundred); refusing to start below this beats dying halfway. */
export const MIN_LOG_FREE = 1024 * 1024;

async function checkLogSpace(logPath: string): Promise<void> {
  const fs = await fsp.statfs(dirname(logPath));
  const free = fs.bavail * fs.bsize;
  if (free < MIN_LOG_FREE) {
    throw failure(`${dirname(logPath)}: a build needs ${humanBytes(MIN_LOG_FREE)} free for its log ${logPath}, found ${humanBytes(free)} free there`);
  }
}

/**
 * Every step runs tied to unik (lib/tied.ts: the tool and all its children die with unik). The log is one
 * file; if it cannot be written (a full disk), the running tool is stopped, the partial log removed, and the
 * step fails with one line naming the log.
 */
export async function openStepRunner(logPath: string, progress?: ProgressSink): Promise<StepRunner> {
  await fsp.mkdir(dirname(logPath), { recursive: true });
  await checkLogSpace(logPath);
  const log: WriteStream = createWriteStream(logPath, { flags: 'w' });
  let logError: NodeJS.ErrnoException | null = null;
  let running: ResultPromise | null = null;
  log.on('error', (e: NodeJS.ErrnoException) => {
    logError ??= e;
    // The log has unpiped itself: drain what is left (execa waits for the output to end) and stop the tool.
    running?.all?.resume();
    running?.kill('SIGTERM');
  });
  const logFailure = async () => {
    const e = logError!;
    await fsp.rm(logPath, { force: true });
    return e.code === 'ENOSPC'
      ? failure(`no space left on device writing the build log ${logPath} (after ${humanBytes(log.bytesWritten)}); free at least ${humanBytes(MIN_LOG_FREE)} there and build again`)
      : failure(`cannot write the build log ${logPath}: ${e.message}`);
  };
  let n = 0;
  let total: number | null = null;
  let killed = false;
  return {
    logPath,
    killed: () => killed,
    plan: (t) => void (total = t),
    async step(title, file, args, opts = {}) {
      if (logError) throw await logFailure();
      n += 1;
      const info: StepInfo = { n, total, title };
      const started = performance.now();
      if (progress?.steps) progress.steps.start(info);
      else progress?.(`[${n}] ${title}`);
      log.write(`\n$ ${[file, ...args].join(' ')}${opts.cwd ? `   (in ${opts.cwd})` : ''}\n`);
      const { execa } = await import('execa');
      const tied = tiedGroup(file, args);
      const child = execa(tied.file, tied.args, {
        cwd: opts.cwd,
        env: opts.env,
        stdin: 'ignore',
        all: true,
        buffer: false,
        reject: false,
        ...(opts.timeoutMs ? { timeout: opts.timeoutMs, forceKillAfterDelay: 2_000 } : {}),
      });
      child.all?.pipe(log, { end: false });
      const steps = progress?.steps;
      if (steps) {
        // What the tool is doing right now (e.g. "CC libukalloc: alloc.o"): its latest line that is not a
        // compiler diagnostic (a warning's text and excerpt say nothing about progress).
        child.all?.on('data', (chunk: Buffer) => {
          const line = chunk.toString('utf8').split('\n').map((l) => l.trimEnd()).filter((l) => l && !isDiagnostic(l)).at(-1);
          if (line) steps.output(line.trim());
        });
      }
      running = child;
      let idle = false;
      const stopWatch = opts.idleTimeoutMs
        ? watchIdle(child.pid, opts.idleTimeoutMs, () => {
            idle = true;
            child.kill('SIGTERM');
          })
        : () => {};
      const res = await child;
      stopWatch();
      running = null;
      steps?.end(info, performance.now() - started, res.exitCode === 0 && !res.failed && !idle);
      if (idle) {
        killed = true;
        await new Promise<void>((r) => log.write(`\n(stopped: no progress for ${opts.idleTimeoutMs} ms)\n`, () => r()));
        throw new IdleTimeout(opts.idleTimeoutMs!, logPath);
      }
      killed ||= res.isTerminated || !!res.timedOut;
      if (logError) throw await logFailure();
      if (res.exitCode !== 0 || res.failed) {
        await new Promise<void>((r) => log.write('', () => r()));
        throw failure(`${title} failed (${why(res)}); log: ${logPath}`, await logTail(logPath));
      }
    },
    async close() {
      if (!logError) await new Promise<void>((r) => log.end(() => r()));
      if (logError) throw await logFailure();
      if (n === 0) await fsp.rm(logPath, { force: true });
    },
    logged: () => n > 0,
  };
}

/** One quick command whose output is wanted, not logged (setup and cleanup of container runtimes): its stdout. */
export async function runStep(title: string, file: string, args: string[], opts: StepOptions = {}): Promise<string> {
  const { execa } = await import('execa');
  const res = await execa(file, args, {
    stdin: 'ignore',
    all: true,
    reject: false,
    cleanup: true,
    timeout: opts.timeoutMs ?? 120_000,
    forceKillAfterDelay: 2_000,
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
  });
  if (res.failed) throw failure(`${title} failed (${why(res)})`, outputTail(res.all ?? '', 15));
  return res.stdout;
}

/**
 * A read-only query on the paths every cached build takes (git status, a tool's --version): node's own
 * execFile, so those paths do not load execa. Never throws: exit code, stdout and stderr (null code: it could
 * not start or was killed).
 */
export function query(file: string, args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    childProcess().execFile(file, args, { cwd: opts.cwd, env: opts.env ? { ...process.env, ...opts.env } : process.env, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}
