import { execFile } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, renameSync, statSync, watch, writeFileSync, writeSync, type FSWatcher } from 'node:fs';
import { dirname, join } from 'node:path';
import { unlinkQuiet } from '../lib/atomic.js';
import { identify, stillRunning } from '../lib/pid.js';
import { parseStatusV2, STATUS_ARGS } from './git-status.js';
import { readOwner, type WatchAnswer, type WatchDir } from './watch-dir.js';

/**
 * The watcher of one framework checkout: a cached `unik build` must know whether the checkout was edited, and
 * asking git costs a start a process (Node forks itself whole) where asking this costs a file. It watches every
 * directory holding tracked files and `.git` (commits, checkouts) with inotify and runs `git status` again after
 * each change, so an answer is always git's own; a build's cookie is answered only once every change seen before
 * it was looked at. It leaves when nobody asked for `idleMs`, when its checkout or directory goes, or on SIGTERM.
 */
export async function runWatcher(checkout: string, w: WatchDir, idleMs: number): Promise<void> {
  mkdirSync(w.cookies, { recursive: true });
  mkdirSync(w.answers, { recursive: true });
  if (!statSync(join(checkout, '.git'), { throwIfNoEntry: false })?.isDirectory() || !claim(w)) return;

  const watches = new Map<string, { watcher: FSWatcher; ino: number }>();
  let changes = 0; // every change seen so far
  let known: (WatchAnswer & { upTo: number }) | null = null;
  let running = false;
  let again: NodeJS.Timeout | null = null;
  const waiting: { cookie: string; upTo: number }[] = [];
  let lastAsked = Date.now();
  let leaving = false;

  const leave = () => {
    if (leaving) return;
    leaving = true;
    for (const { watcher } of watches.values()) watcher.close();
    if (readOwner(w)?.pid === process.pid) unlinkQuiet(w.owner);
    process.exit(0);
  };
  const changed = () => {
    changes++;
    again ??= setTimeout(recompute, 5);
  };
  const watchDir = (dir: string, onEvent: (file: string | null) => void) => {
    const ino = inoOf(dir);
    if (ino === null || watches.get(dir)?.ino === ino) return;
    watches.get(dir)?.watcher.close();
    try {
      const watcher = watch(dir, { persistent: true }, (_e, file) => onEvent(file));
      watcher.on('error', () => {
        watcher.close();
        watches.delete(dir);
        changed();
      });
      watches.set(dir, { watcher, ino });
    } catch {
      // A directory it cannot watch (the user's inotify watches ran out) would let an edit there go unseen.
      leave();
    }
  };
  const answer = () => {
    while (known && waiting.length && waiting[0]!.upTo <= known.upTo) {
      const { cookie } = waiting.shift()!;
      writeAnswer(w, cookie, { commit: known.commit, dirty: known.dirty });
    }
  };
  // Watches first, then git: a change after the watches exist is seen, one before them is in git's answer.
  const recompute = () => {
    again = null;
    if (running) return void (again = setTimeout(recompute, 5));
    running = true;
    const upTo = changes;
    listTrackedDirs(checkout, (dirs) => {
      if (dirs === 'submodules') writeUnwatched(w, 'it has submodules, whose files are another repository\'s');
      if (!Array.isArray(dirs)) return leave();
      for (const d of dirs) watchDir(d, changed);
      execFile('git', ['--no-optional-locks', ...STATUS_ARGS], { cwd: checkout, maxBuffer: 64 * 1024 * 1024 }, (err, stdout) => {
        const { commit, changes: lines } = parseStatusV2(String(stdout));
        if (err || !commit) return leave();
        running = false;
        known = { commit, dirty: lines.length > 0, upTo };
        answer();
      });
    });
  };

  watchDir(join(checkout, '.git'), (file) => file !== 'index.lock' && changed());
  if (existsSync(join(checkout, '.git', 'refs', 'heads'))) watchDir(join(checkout, '.git', 'refs', 'heads'), changed);
  watchDir(w.cookies, (file) => {
    if (!file || !COOKIE.test(file) || !existsSync(join(w.cookies, file))) return;
    lastAsked = Date.now();
    unlinkQuiet(join(w.cookies, file));
    waiting.push({ cookie: file, upTo: changes });
    answer();
  });
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
  setInterval(() => {
    if (Date.now() - lastAsked > idleMs || !existsSync(checkout) || !existsSync(w.cookies) || readOwner(w)?.pid !== process.pid) leave();
    dropOldAnswers(w);
  }, Math.min(10_000, idleMs)).unref();
  recompute();
  // Cookies dropped before the watch on cookies/ began.
  for (const file of readdirSync(w.cookies)) if (COOKIE.test(file)) waiting.push({ cookie: file, upTo: changes });
}

/** A cookie's name: what watch-client.ts makes (pid, time, random), nothing that could leave answers/. */
const COOKIE = /^[0-9a-z-]{1,64}$/;

/** Answers a build gave up waiting for (it then asked git): gone after a minute. */
function dropOldAnswers(w: WatchDir): void {
  try {
    for (const f of readdirSync(w.answers)) {
      const at = statSync(join(w.answers, f), { throwIfNoEntry: false })?.mtimeMs;
      if (at !== undefined && Date.now() - at > 60_000) unlinkQuiet(join(w.answers, f));
    }
  } catch {
    // The directory went: the interval's next check leaves.
  }
}

/** Become the checkout's one watcher: false when a live one already is. */
function claim(w: WatchDir): boolean {
  const me = identify(process.pid);
  if (!me) return false;
  for (let tries = 0; tries < 2; tries++) {
    try {
      const fd = openSync(w.owner, 'wx', 0o600);
      writeSync(fd, JSON.stringify(me));
      closeSync(fd);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') return false;
      const other = readOwner(w);
      // A file still being written has no identity yet: its writer is alive and claims it.
      if (!other || stillRunning(other)) return false;
      unlinkQuiet(w.owner);
    }
  }
  return false;
}

/**
 * The directories (absolute) holding tracked files, the checkout's own included; null when git cannot say.
 * A checkout with submodules is not watched: their files are another repository's.
 */
function listTrackedDirs(checkout: string, done: (dirs: string[] | 'submodules' | null) => void): void {
  execFile('git', ['--no-optional-locks', 'ls-files', '-z', '--stage'], { cwd: checkout, maxBuffer: 256 * 1024 * 1024 }, (err, stdout) => {
    if (err) return done(null);
    const dirs = new Set<string>([checkout]);
    for (const entry of String(stdout).split('\0')) {
      if (!entry) continue;
      if (entry.startsWith('160000 ')) return done('submodules');
      dirs.add(dirname(join(checkout, entry.slice(entry.indexOf('\t') + 1))));
    }
    done([...dirs]);
  });
}

/** Builds do not start a watcher for this checkout again (watch-client.ts), and this says why. */
function writeUnwatched(w: WatchDir, why: string): void {
  try {
    writeFileSync(w.unwatched, `${why}\n`);
  } catch {
    // Then the next build starts one again, which leaves again.
  }
}

function writeAnswer(w: WatchDir, cookie: string, a: WatchAnswer): void {
  const file = join(w.answers, `${cookie}.json`);
  const tmp = `${file}.tmp`;
  try {
    const fd = openSync(tmp, 'w', 0o600);
    writeSync(fd, JSON.stringify(a));
    closeSync(fd);
    renameSync(tmp, file);
  } catch {
    unlinkQuiet(tmp);
  }
}

const inoOf = (path: string): number | null => {
  try {
    return statSync(path).ino;
  } catch {
    return null;
  }
};
