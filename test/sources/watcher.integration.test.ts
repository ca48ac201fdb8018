import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { isAlive } from '../../lib/pid.js';
import { inspectCheckout } from '../../sources/cache.js';
import { askWatcher, startWatcher } from '../../sources/watch-client.js';
import { readOwner, watchDirOf } from '../../sources/watch-dir.js';
import { waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';

const git = (repo: string, ...args: string[]) => execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@t', ...args], { encoding: 'utf8' }).trim();

function repoWith(files: Record<string, string>): string {
  const repo = tmpTree(files);
  git(repo, 'init', '-q');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'first');
  return repo;
}

const started: number[] = [];
// A registry of its own per test: the cap on watchers alive at once counts every other watcher too.
const cacheBefore = process.env.XDG_CACHE_HOME;
beforeEach(() => {
  process.env.XDG_CACHE_HOME = tmpTree();
});
afterAll(() => {
  for (const pid of started) if (isAlive(pid)) process.kill(pid, 'SIGTERM');
  if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheBefore;
});

/**
 * The watcher's answer to a question asked now. A busy machine can make it miss the 250 ms a build waits (the
 * build then asks git), so this asks again: every question is still asked after whatever the test did before.
 */
async function answer(sources: string, repo: string) {
  for (const end = Date.now() + 20_000; Date.now() < end; ) {
    const a = askWatcher(sources, repo);
    if (a) return a;
    await new Promise((r) => setTimeout(r, 50));
  }
  return null;
}

/** A watcher for `repo`, answering. */
async function watched(repo: string, sources = tmpTree()): Promise<{ sources: string; pid: number }> {
  startWatcher(sources, repo);
  expect(await waitFor(() => askWatcher(sources, repo) !== null, 15_000)).toBe(true);
  const pid = readOwner(watchDirOf(sources, repo))!.pid;
  started.push(pid);
  return { sources, pid };
}

describe('the watcher of a checkout (integration: the built watcher, real inotify and git)', { timeout: 120_000 }, () => {
  it('answers git\'s own state, and an edit made just before a question is always in its answer', async () => {
    const repo = repoWith({ 'a.c': 'a\n', 'lib/deep/b.c': 'b\n', 'plat/c.S': 'c\n' });
    const { sources } = await watched(repo);
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await answer(sources, repo)).toEqual({ commit: head, dirty: false });
    for (let i = 0; i < 20; i++) {
      appendFileSync(join(repo, 'lib', 'deep', 'b.c'), `edit ${i}\n`);
      expect(await answer(sources, repo), `after edit ${i}`).toEqual({ commit: head, dirty: true });
      git(repo, 'checkout', '--', 'lib/deep/b.c');
      expect(await answer(sources, repo), `after restoring ${i}`).toEqual({ commit: head, dirty: false });
    }
  });

  it('a build\'s question (inspectCheckout) starts the watcher (UNIK_SOURCE_WATCH=on; the tests run with off), which then answers it without git, edits included', async () => {
    const repo = repoWith({ 'a.c': 'a\n', 'sub/b.c': 'b\n' });
    const sources = tmpTree();
    const head = git(repo, 'rev-parse', 'HEAD');
    expect(await inspectCheckout('unikraft', repo, 'main', sources)).toMatchObject({ commit: head, dirty: false });
    expect(existsSync(watchDirOf(sources, repo).owner)).toBe(false);
    const watchBefore = process.env.UNIK_SOURCE_WATCH;
    process.env.UNIK_SOURCE_WATCH = 'on';
    expect(await inspectCheckout('unikraft', repo, 'main', sources)).toMatchObject({ commit: head, dirty: false });
    expect(await waitFor(() => askWatcher(sources, repo) !== null, 15_000)).toBe(true);
    started.push(readOwner(watchDirOf(sources, repo))!.pid);
    const path = process.env.PATH;
    // No git to be found: only the watcher can answer now.
    process.env.PATH = tmpTree();
    try {
      writeFileSync(join(repo, 'sub', 'b.c'), 'edited\n');
      // Asked again if a busy machine made the watcher miss the build's 250 ms (then git, not found, fails it).
      let told: unknown = null;
      for (const end = Date.now() + 20_000; !told && Date.now() < end; await new Promise((r) => setTimeout(r, 50))) {
        told = await inspectCheckout('unikraft', repo, 'main', sources).catch(() => null);
      }
      expect(told).toMatchObject({ commit: head, dirty: true });
    } finally {
      process.env.PATH = path;
      if (watchBefore === undefined) delete process.env.UNIK_SOURCE_WATCH;
      else process.env.UNIK_SOURCE_WATCH = watchBefore;
    }
    await expect(inspectCheckout('unikraft', repo, 'main')).resolves.toMatchObject({ dirty: true });
  });

  it('follows commits and checkouts, and watches a directory a commit added', async () => {
    const repo = repoWith({ 'a.c': 'a\n' });
    const { sources } = await watched(repo);
    const first = git(repo, 'rev-parse', 'HEAD');
    mkdirSync(join(repo, 'new', 'dir'), { recursive: true });
    writeFileSync(join(repo, 'new', 'dir', 'n.c'), 'n\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-q', '-m', 'second');
    const second = git(repo, 'rev-parse', 'HEAD');
    expect(await answer(sources, repo)).toEqual({ commit: second, dirty: false });
    writeFileSync(join(repo, 'new', 'dir', 'n.c'), 'changed in place\n');
    expect(await answer(sources, repo)).toEqual({ commit: second, dirty: true });
    git(repo, 'checkout', '-q', '-f', '--detach', first);
    expect(await answer(sources, repo)).toEqual({ commit: first, dirty: false });
    git(repo, 'checkout', '-q', '--detach', second);
    writeFileSync(join(repo, 'new', 'dir', 'n.c'), 'changed again after the directory came back\n');
    expect(await answer(sources, repo)).toEqual({ commit: second, dirty: true });
  });

  it('one watcher per checkout; it leaves when its checkout goes, and then nobody answers', async () => {
    const repo = repoWith({ 'a.c': 'a\n' });
    const { sources, pid } = await watched(repo);
    startWatcher(sources, repo);
    expect(readOwner(watchDirOf(sources, repo))!.pid).toBe(pid);
    rmSync(repo, { recursive: true, force: true });
    expect(await waitFor(() => !isAlive(pid), 30_000)).toBe(true);
    expect(askWatcher(sources, repo)).toBeNull();
  });

  it('at most 16 run at once (each holds one of the user\'s inotify instances); a build past that asks git', async () => {
    const repos = Array.from({ length: 17 }, (_, i) => repoWith({ [`f${i}.c`]: `${i}\n` }));
    const sources = tmpTree();
    const pids: (number | null)[] = [];
    for (const repo of repos) {
      pids.push(startWatcher(sources, repo));
      if (pids.at(-1)) started.push(pids.at(-1)!);
    }
    expect(pids.slice(0, 16).every((p) => p !== null)).toBe(true);
    expect(pids[16]).toBeNull();
    for (const p of pids.slice(0, 16)) process.kill(p!, 'SIGTERM');
    expect(await waitFor(() => pids.slice(0, 16).every((p) => !isAlive(p!)), 15_000)).toBe(true);
    const last = startWatcher(sources, repos[16]!);
    expect(last).not.toBeNull();
    started.push(last!);
  });

  it('leaves once nobody asked for UNIK_SOURCE_WATCH_IDLE seconds', async () => {
    const repo = repoWith({ 'a.c': 'a\n' });
    const before = process.env.UNIK_SOURCE_WATCH_IDLE;
    process.env.UNIK_SOURCE_WATCH_IDLE = '2';
    try {
      const { pid } = await watched(repo);
      expect(await waitFor(() => !isAlive(pid), 15_000)).toBe(true);
    } finally {
      if (before === undefined) delete process.env.UNIK_SOURCE_WATCH_IDLE;
      else process.env.UNIK_SOURCE_WATCH_IDLE = before;
    }
  });

  it('does not watch a checkout with submodules (their files are not its own): git answers instead', async () => {
    const sub = repoWith({ 's.c': 's\n' });
    const repo = repoWith({ 'a.c': 'a\n' });
    git(repo, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', sub, 'sub');
    git(repo, 'commit', '-q', '-m', 'with a submodule');
    const sources = tmpTree();
    const pid = startWatcher(sources, repo);
    expect(pid).toBeGreaterThan(0);
    started.push(pid!);
    expect(await waitFor(() => !isAlive(pid!), 15_000)).toBe(true);
    expect(readFileSync(watchDirOf(sources, repo).unwatched, 'utf8')).toMatch(/submodules/);
    expect(startWatcher(sources, repo)).toBeNull();
    expect(askWatcher(sources, repo)).toBeNull();
  });
});
