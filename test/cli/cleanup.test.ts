import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ImageRecord } from '../../images/record.js';
import { putImage } from '../../images/store.js';
import { layout } from '../../lib/home.js';
import { identify } from '../../lib/pid.js';
import { appWorkDir } from '../../lib/workdir.js';
import { replacedImages } from '../../run/prune.js';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const sleepers: ChildProcess[] = [];
afterAll(() => sleepers.forEach((p) => p.kill('SIGKILL')));

/** A store with two builds of one app, an app whose image a running instance uses, and leftovers of all kinds. */
async function store() {
  const home = tmpTree();
  const l = layout(home);
  const image = (id: string, name: string, appDir: string, createdAt: string) =>
    putImage(l, join(tmpTree({ k: `kernel ${id}` }), 'k'), {}, {
      id, name, target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [], buildSeconds: 1, sources: [], frameworkVersion: null,
      createdAt, appDir, cacheKey: id, bootSettings: {}, run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: [], memoryMiB: 8, ready: null },
    });
  // The app was renamed since its first build: the image of the old name stays behind (a new build of the same
  // name replaces its image at once).
  const old = await image('aaaa00000001', 'app-old', '/apps/app', '2026-01-01T00:00:00.000Z');
  const cur = await image('aaaa00000002', 'app', '/apps/app', '2026-01-02T00:00:00.000Z');
  const web = await image('bbbb00000001', 'web', '/apps/web', '2026-01-01T00:00:00.000Z');
  const buildOf = (i: ImageRecord) => appWorkDir(l, i.name, i.appDir, `${i.target}\0${i.platform}`);
  for (const dir of [buildOf(cur), buildOf(web), join(l.builds, 'gone-0123abcd')]) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'obj.o'), Buffer.alloc(10_000));
  }
  writeFileSync(join(l.builds, 'gone-0123abcd.lock'), '4194305');
  // A temp file of a writer that died (pid 2^22+1 is above any pid Linux hands out by default).
  writeFileSync(join(l.images, '.record.json.tmp-4194305-abc-def'), 'half');

  const sleeper = spawn('sleep', ['300'], { stdio: 'ignore' });
  sleepers.push(sleeper);
  await new Promise((r) => sleeper.once('spawn', r));
  const instance = (id: string, name: string, state: string, img: ImageRecord) => {
    const dir = join(l.instances, id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'console.log'), 'console\n');
    const running = state === 'running' ? identify(sleeper.pid!) : null;
    writeFileSync(join(dir, 'instance.json'), JSON.stringify({
      id, name, image: { id: img.id, name: img.name, target: img.target }, state, pid: running ? sleeper.pid : null, supervisorPid: running ? sleeper.pid : null,
      supervisor: running, vmm: null, startedAt: new Date().toISOString(), exitedAt: null, exitCode: state === 'exited' ? 0 : null, how: null, ports: [],
      accel: 'tcg', machine: 'microvm', bootMs: 1, readyMs: null, exitMs: null, logPath: join(dir, 'console.log'), stderrTail: null, spec: {}, ready: null, readyHttp: null,
    }));
    return dir;
  };
  return { home, l, old, cur, web, build: { cur: buildOf(cur), web: buildOf(web), gone: join(l.builds, 'gone-0123abcd') }, serving: instance('cccc00000001', 'serving', 'running', web), done: instance('cccc00000002', 'done', 'exited', cur) };
}

describe('rmi of an image a running instance uses', () => {
  it('is refused without -f (exit 1, naming the instance), and done with it; rmi A B removes both', async () => {
    const s = await store();
    const env = { UNIK_HOME: s.home };
    const refused = await unik(['rmi', 'web'], env);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr.trim()).toBe('unik: image web is used by running instance serving: "unik stop serving" first, or rmi -f');
    expect(existsSync(join(s.l.images, s.web.id))).toBe(true);
    const both = await unik(['rmi', '-f', 'web', s.old.id], env);
    expect(both.exitCode, both.stderr).toBe(0);
    expect(both.stdout).toBe(`removed web (${s.web.id})\nremoved app-old (${s.old.id})`);
  });
});

describe('unik prune', () => {
  let s: Awaited<ReturnType<typeof store>>;
  beforeAll(async () => {
    s = await store();
  });

  it('without a terminal and without -f lists what it would free, removes nothing, and says how (exit 2)', async () => {
    const res = await unik(['prune'], { UNIK_HOME: s.home });
    expect(res.exitCode).toBe(2);
    expect(res.stdout).toContain('instance done (exited)');
    expect(res.stdout).toContain(`image app-old (${s.old.id}), replaced by a newer build`);
    expect(res.stdout).toContain('build directory gone-0123abcd (no stored image was built there)');
    expect(res.stdout).toMatch(/scratch .*\.record\.json\.tmp-4194305-abc-def \(its writer is gone\)/);
    expect(res.stdout).toMatch(/^4 items, [\d.]+ KiB in all$/m);
    expect(res.stdout).not.toContain(s.build.cur);
    expect(res.stderr.trim()).toMatch(/^unik: prune: nothing removed without a terminal to ask on; "unik prune -f" removes the above \([\d.]+ KiB\)$/);
    expect(existsSync(s.done)).toBe(true);
    expect(existsSync(s.build.gone)).toBe(true);
  });

  it('-f removes exactly those, keeping what a running instance or the newest build needs', async () => {
    const res = await unik(['prune', '-f', '--json'], { UNIK_HOME: s.home });
    expect(res.exitCode, res.stderr).toBe(0);
    const j = JSON.parse(res.stdout);
    expect(j).toMatchObject({ removed: true });
    expect(j.freedBytes).toBeGreaterThan(10_000);
    for (const gone of [s.done, join(s.l.images, s.old.id), s.build.gone, `${s.build.gone}.lock`, join(s.l.images, '.record.json.tmp-4194305-abc-def')]) expect(existsSync(gone), gone).toBe(false);
    for (const kept of [s.serving, join(s.l.images, s.cur.id), join(s.l.images, s.web.id), s.build.cur, s.build.web]) expect(existsSync(kept), kept).toBe(true);
    expect((await unik(['prune'], { UNIK_HOME: s.home })).stdout).toBe('nothing to prune');
  });
});

describe('replacedImages', () => {
  it('keeps the newest build of each app, target and platform, and any image still in use', () => {
    const img = (id: string, appDir: string, createdAt: string, platform = 'qemu/x86_64') => ({ id, appDir, createdAt, platform, target: 'unikraft' }) as ImageRecord;
    const images = [img('a1', '/a', '1'), img('a2', '/a', '2'), img('a3', '/a', '0', 'spt'), img('b1', '/b', '1'), img('b2', '/b', '2')];
    expect(replacedImages(images, new Set(['b1'])).map((i) => i.id)).toEqual(['a1']);
  });
});
