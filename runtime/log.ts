import { appendFileSync } from 'node:fs';
import type { GlobalFlags } from './args.js';

export type Level = 'debug' | 'info' | 'warning' | 'error';

/**
 * Pure: one log line as runc writes it (logrus): text `time="…" level=error msg="…"`, or JSON
 * `{"level":"error","msg":"…","time":"…"}`. containerd's shim reads the last error back from the JSON log.
 */
export function logLine(format: 'text' | 'json', level: Level, msg: string, time = new Date().toISOString()): string {
  if (format === 'json') return `${JSON.stringify({ level, msg, time })}\n`;
  return `time=${JSON.stringify(time)} level=${level} msg=${JSON.stringify(msg)}\n`;
}

/** Append to --log (where given); an error also goes to stderr, where podman and docker read it. */
export function log(g: Pick<GlobalFlags, 'log' | 'logFormat' | 'debug'>, level: Level, msg: string): void {
  if (level === 'debug' && !g.debug) return;
  if (g.log) {
    try {
      appendFileSync(g.log, logLine(g.logFormat, level, msg));
    } catch {
      // A log that cannot be written must not change the command's outcome.
    }
  }
  if (level === 'error') process.stderr.write(`${msg}\n`);
}
