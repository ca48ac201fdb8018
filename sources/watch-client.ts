import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { childProcess } from '../lib/child-process.js';
import { packageRoot } from '../lib/package-root.js';
import { unlinkQuiet } from '../lib/atomic.js';
import { identify, readIdentity, resolvedExe, stillRunning } from '../lib/pid.js';
import { privateCacheDir } from '../lib/private-cache.js';
import { parseAnswer, readOwner, watchDirOf, watchIdleSeconds, type WatchAnswer } from './watch-dir.js';

/** How long a build waits for the watcher before asking git itself: it answers in about a millisecond. */
const ANSWER_WAIT_MS = 250;
/** Watchers alive at once, all checkouts and homes together: each holds one of the user's 128 inotify instances (Linux's default). */
const MAX_WATCHERS = 16;

// Date.now, not performance.now: the global performance loads perf_hooks (~5 ms of a start).
const sleeper = new Int32Array(new SharedArrayBuffer(4));

/**
 * The state of `checkout` from its watcher (sources/watcher.ts), or null when none runs or it did not answer in
 * time (then git is asked, as without a watcher). The cookie is looked at only after every change the watcher saw
 * before it, so the answer covers each edit made before this call.
 */
export function askWatcher(sourcesDir: string, checkout: string): WatchAnswer | null {
  const w = watchDirOf(sourcesDir, checkout);
  if (!stillRunning(readOwner(w))) return null;
  const cookie = `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 10)}`;
  try {
    writeFileSync(join(w.cookies, cookie), '', { flag: 'wx', mode: 0o600 });
  } catch {
    return null;
  }
  const answer = join(w.answers, `${cookie}.json`);
  const end = Date.now() + ANSWER_WAIT_MS;
  while (Date.now() < end) {
    if (existsSync(answer)) {
      const a = parseAnswer(readFileSync(answer, 'utf8'));
      unlinkQuiet(answer);
      return a;
    }
    Atomics.wait(sleeper, 0, 0, 0.2);
  }
  unlinkQuiet(join(w.cookies, cookie));
  return null;
}

/**
 * Start the watcher of `checkout` (its pid) unless one runs, or MAX_WATCHERS already do. It is detached: it outlives this
 * build on purpose, and leaves by itself once nobody asked for UNIK_SOURCE_WATCH_IDLE seconds (default 600).
 */
export function startWatcher(sourcesDir: string, checkout: string): number | null {
  const script = join(packageRoot(), 'dist', 'sources', 'watcher-main.js');
  const w = watchDirOf(sourcesDir, checkout);
  if (!existsSync(script) || existsSync(w.unwatched) || stillRunning(readOwner(w))) return null;
  const registry = privateCacheDir('watchers');
  try {
    if (!registry || liveWatchers(registry) >= MAX_WATCHERS) return null;
    const child = childProcess().spawn(process.execPath, [script, checkout, sourcesDir, String(watchIdleSeconds())], { detached: true, stdio: 'ignore', cwd: '/' });
    // Without a watcher the build only asks git: a watcher that cannot start is no error.
    child.on('error', () => undefined);
    child.unref();
    const id = child.pid ? identify(child.pid, resolvedExe(process.execPath)) : null;
    if (id) writeFileSync(join(registry, String(id.pid)), JSON.stringify(id), { mode: 0o600 });
    return child.pid ?? null;
  } catch {
    return null;
  }
}

/** Watchers still running, by the registry of those started; the others' entries go. */
function liveWatchers(registry: string): number {
  let live = 0;
  for (const f of readdirSync(registry)) {
    if (stillRunning(readIdentity(join(registry, f)))) live++;
    else unlinkQuiet(join(registry, f));
  }
  return live;
}
