import { spawn } from 'node:child_process';
import { CLI } from './cli.js';

/** A console line the clock fixtures print: the guest's own clock (ms since "start"), and when the host saw it. */
export interface Tick {
  guestMs: number;
  hostMs: number;
}

/**
 * Pure: how fast the guest's clock ran against the host's, as a fraction (0.01 = 1 % fast or slow). Each line's
 * host arrival minus its guest time is its offset; console delivery only ever adds delay, so the smallest offset
 * of the first and of the last few lines are the least delayed, and their change over the guest time between
 * them is the drift.
 */
export function clockDrift(ticks: Tick[], window = 4): number {
  const first = ticks.slice(0, window);
  const last = ticks.slice(-window);
  const minOffset = (ts: Tick[]) => Math.min(...ts.map((t) => t.hostMs - t.guestMs));
  const mid = (ts: Tick[]) => ts.reduce((s, t) => s + t.guestMs, 0) / ts.length;
  return (minOffset(last) - minOffset(first)) / (mid(last) - mid(first));
}

/** Timestamps every "clock-test start" / "tick K NS" console line as its chunk arrives. */
export function tickCollector() {
  const ticks: Tick[] = [];
  let pending = '';
  return {
    ticks,
    onChunk(chunk: Buffer) {
      const hostMs = performance.now();
      pending += chunk.toString('utf8');
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        if (/^clock-test start/.test(line)) ticks.push({ guestMs: 0, hostMs });
        const m = /^tick \d+ (\d+)/.exec(line);
        if (m) ticks.push({ guestMs: Number(m[1]) / 1e6, hostMs });
      }
    },
  };
}

/** Run an image with `unik run` (more run flags, app arguments after --) and timestamp its clock lines on arrival. */
export function runClockFixture(image: string, env: Record<string, string>, args: string[] = [], flags: string[] = []): Promise<{ ticks: Tick[]; output: string; code: number | null }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, 'run', image, '--accel', 'tcg', '--timeout', '30s', ...flags, ...(args.length ? ['--', ...args] : [])], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    const collector = tickCollector();
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      collector.onChunk(chunk);
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
    child.on('close', (code) => resolve({ ticks: collector.ticks, output, code }));
  });
}

/**
 * Runs a clock fixture until one run's drift is within `limit`, at most `tries` times, checking each run with
 * `check`; returns that run (or the last) with its drift, and `report`: its output and every try's drift, for the
 * assertion's message. Ten ticks over 1 s leave the estimate a few tenths of a per cent of console jitter (a line
 * crosses two processes and can arrive several ms late): a clock that really runs off fails every try (Unikraft's
 * polled clock, 1.1–1.3 % slow on each of five before its patch 0003), a noisy delivery does not fail the suite.
 */
export async function steadiestRun<R extends { ticks: Tick[]; output: string }>(run: () => Promise<R>, check: (r: R) => void, limit = 0.01, tries = 3): Promise<R & { drift: number; report: string }> {
  const drifts: number[] = [];
  for (;;) {
    const r = await run();
    check(r);
    const drift = clockDrift(r.ticks);
    drifts.push(drift);
    if (Math.abs(drift) < limit || drifts.length >= tries) {
      return { ...r, drift, report: `${r.output}\ndrift of each try: ${drifts.map((d) => `${(d * 100).toFixed(2)} %`).join(', ')}` };
    }
  }
}
