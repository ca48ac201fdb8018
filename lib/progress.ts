/** One step of a build as the step runner reports it: its number, the total when known, and its title. */
export interface StepInfo {
  n: number;
  /** How many steps this run takes, when the builder planned them (StepRunner.plan); null: not known. */
  total: number | null;
  title: string;
}

/** What a step-aware display hears from the step runner. */
export interface StepEvents {
  start(step: StepInfo): void;
  /** The tool's latest line of output (compiler diagnostics already left out). */
  output(line: string): void;
  end(step: StepInfo, ms: number, ok: boolean): void;
}

/**
 * Where progress is shown. Called with free text (a status such as "waiting for another build"): a TTY line that
 * rewrites itself. A display that also has `steps` hears each build step's start, output and end.
 */
export type ProgressSink = ((status: string) => void) & { steps?: StepEvents };

/** Pure: "2/5" or "2" when the total is unknown. */
export const stepCount = (s: Pick<StepInfo, 'n' | 'total'>): string => (s.total && s.total >= s.n ? `${s.n}/${s.total}` : `${s.n}`);

/** Pure: m:ss for a status line. */
export function clock(ms: number): string {
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/**
 * Pure: whether a tool's output line is a compiler diagnostic (a warning and its context), which says nothing
 * about where the build is: "file.c:12:5: warning: ...", "In function 'f':", the source excerpt and caret lines.
 */
export function isDiagnostic(line: string): boolean {
  return (
    /^\s/.test(line) ||
    /^\S+:\d+(:\d+)?: /.test(line) ||
    /^In (file included from|function|member function|instantiation)|^\S+: In (function|member function)|^\s*from \S+:\d+/.test(line) ||
    /\b(warning|note):/.test(line) ||
    /^\d+ warnings? generated/.test(line)
  );
}

/**
 * Pure: the status line of a step on a terminal `columns` wide: "▸ [2/5 0:41] title · tool line", the tool's line
 * cut (with …) only where the terminal ends.
 */
export function statusLine(step: StepInfo, elapsedMs: number, line: string | null, columns: number): string {
  const head = `▸ [${stepCount(step)} ${clock(elapsedMs)}] ${step.title}`;
  return fit(line ? `${head} · ${line}` : head, columns);
}

/** Pure: text cut (with …) to fit one line of a terminal `columns` wide (the last column left free: no wrap). */
export function fit(text: string, columns: number): string {
  const chars = [...text];
  const width = Math.max(10, columns - 1);
  return chars.length > width ? `${chars.slice(0, width - 1).join('')}…` : text;
}

/** Pure: the line a non-TTY display writes when a step ends. */
export const stepDoneLine = (step: StepInfo, ms: number, ok: boolean): string =>
  `unik: step ${stepCount(step)} ${step.title}: ${ok ? '' : 'failed after '}${(ms / 1000).toFixed(1)} s`;
