import { join } from 'node:path';
import { readIdentity, type ProcessIdentity } from '../lib/pid.js';
import { quickHash } from '../lib/quick-hash.js';

/**
 * Where the watcher of one checkout (sources/watcher.ts) and the builds asking it meet: under the sources cache,
 * one directory per checkout path. A build drops a cookie in `cookies/`; the watcher sees it after every change it
 * saw before (one inotify queue keeps their order) and answers in `answers/<cookie>.json`.
 */
export interface WatchDir {
  dir: string;
  cookies: string;
  answers: string;
  /** The running watcher's identity (lib/pid.ts), written once it watches. */
  owner: string;
  /** Present when this checkout cannot be watched (why): builds ask git and start no watcher. */
  unwatched: string;
}

export function watchDirOf(sourcesDir: string, checkout: string): WatchDir {
  const dir = join(sourcesDir, '.watch', quickHash(Buffer.from(checkout, 'utf8')));
  return { dir, cookies: join(dir, 'cookies'), answers: join(dir, 'answers'), owner: join(dir, 'watcher.json'), unwatched: join(dir, 'unwatched') };
}

/** What the watcher knows of its checkout: the commit and whether tracked files differ from it. */
export interface WatchAnswer {
  commit: string;
  dirty: boolean;
}

/** Pure: an answer file's text, or null for anything else. */
export function parseAnswer(text: string): WatchAnswer | null {
  try {
    const a = JSON.parse(text) as Partial<WatchAnswer>;
    return typeof a.commit === 'string' && /^[0-9a-f]{40}$/.test(a.commit) && typeof a.dirty === 'boolean' ? { commit: a.commit, dirty: a.dirty } : null;
  } catch {
    return null;
  }
}

/** The watcher recorded in `owner`, or null. */
export const readOwner = (w: WatchDir): ProcessIdentity | null => readIdentity(w.owner);

/**
 * Whether builds use watchers: `UNIK_SOURCE_WATCH=on|off`; by default on, except under CI (`CI` set, as every CI
 * service does), where a one-shot build should leave no process behind. `UNIK_SOURCE_WATCH_IDLE` (seconds) is
 * how long a watcher waits for a question.
 */
export const watchingOn = (env: NodeJS.ProcessEnv = process.env): boolean => env.UNIK_SOURCE_WATCH === 'on' || (env.UNIK_SOURCE_WATCH !== 'off' && !env.CI);
export function watchIdleSeconds(env: NodeJS.ProcessEnv = process.env): number {
  const s = Number(env.UNIK_SOURCE_WATCH_IDLE);
  return Number.isInteger(s) && s > 0 ? s : 600;
}
