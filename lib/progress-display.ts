import { fit, statusLine, stepDoneLine, type ProgressSink, type StepInfo } from './progress.js';

/** The stream a display writes to: stderr, or a test's stand-in. */
export interface DisplayStream {
  write(text: string): unknown;
  columns?: number;
}

/**
 * For a person at a terminal: one line that rewrites itself, "▸ [2/5 0:41] title · the tool's latest line", as
 * wide as the terminal, its clock ticking once a second while a step runs.
 */
export function terminalProgress(out: DisplayStream): ProgressSink & { stop(): void } {
  let current: { step: StepInfo; started: number; line: string | null } | null = null;
  let timer: NodeJS.Timeout | null = null;
  let lastDraw = 0;
  const draw = () => {
    if (!current) return;
    lastDraw = performance.now();
    out.write(`\r\x1b[2K${statusLine(current.step, lastDraw - current.started, current.line, out.columns ?? 100)}`);
  };
  const stop = () => {
    if (timer) clearInterval(timer);
    timer = null;
    current = null;
  };
  const sink = ((status: string) => {
    stop();
    out.write(`\r\x1b[2K${fit(`▸ ${status}`, out.columns ?? 100)}`);
  }) as ProgressSink & { stop(): void };
  sink.steps = {
    start(step) {
      stop();
      current = { step, started: performance.now(), line: null };
      draw();
      timer = setInterval(draw, 1000);
      timer.unref();
    },
    output(line) {
      if (!current) return;
      const first = current.line === null;
      current.line = line;
      // The first line at once, then at most ~10 redraws a second: make can print thousands of lines.
      if (first || performance.now() - lastDraw >= 100) draw();
    },
    end: () => stop(),
  };
  sink.stop = stop;
  return sink;
}

/** For a log or a CI job (not a terminal): one line per finished step with its duration; free-text status is left out. */
export function lineProgress(out: DisplayStream): ProgressSink {
  const sink = (() => undefined) as ProgressSink;
  sink.steps = {
    start: () => undefined,
    output: () => undefined,
    end: (step, ms, ok) => void out.write(`${stepDoneLine(step, ms, ok)}\n`),
  };
  return sink;
}
