import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { launchKey, parsePlan, rememberLaunch, startEarly, takeEarlyStart } from '../../lib/early-start.js';
import type { ChildEvent } from '../../lib/recorded-child.js';
import { isAlive, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';

const forget = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for('unik.early-start')];

/** A cache home, a stand-in CLI bundle and a decided file, for one test's plans. */
function setup() {
  const dir = tmpTree({ 'unik.cjs': '// bundle', 'kernel': 'k' });
  return { dir, env: { XDG_CACHE_HOME: join(dir, 'cache'), PATH: process.env.PATH }, bundle: join(dir, 'unik.cjs'), kernel: join(dir, 'kernel') };
}
const argv = ['run', 'hello'];
/** A VMM stand-in: writes its pid, says hi, exits 3. */
const vmm = (dir: string) => ({ file: 'sh', args: ['-c', `echo $$ > ${dir}/pid; echo hi; exit 3`] });

describe('early start (lib/early-start.ts)', () => {
  afterEach(forget);

  it('the key is the command line, directory, deciding environment and CLI build; nothing else', () => {
    const k = (a: string[], cwd: string, env: NodeJS.ProcessEnv, stamp = 's1') => launchKey(stamp, a, cwd, env);
    const base = k(argv, '/a', { UNIK_HOME: '/h', PATH: '/bin' });
    expect(k(argv, '/a', { UNIK_HOME: '/h', PATH: '/bin', TERM: 'xterm', LANG: 'C' })).toBe(base);
    for (const other of [k(['run', 'hello', '--json'], '/a', { UNIK_HOME: '/h', PATH: '/bin' }), k(argv, '/b', { UNIK_HOME: '/h', PATH: '/bin' }),
      k(argv, '/a', { UNIK_HOME: '/g', PATH: '/bin' }), k(argv, '/a', { UNIK_HOME: '/h', PATH: '/usr/bin' }), k(argv, '/a', { UNIK_HOME: '/h', PATH: '/bin', XDG_CACHE_HOME: '/c' }),
      k(argv, '/a', { UNIK_HOME: '/h', PATH: '/bin' }, 's2')]) expect(other).not.toBe(base);
  });

  it('reads only well-formed plans', () => {
    expect(parsePlan('{"file":"r","args":["a"],"stamps":[["/k","1:2:3:4"]]}')).toEqual({ file: 'r', args: ['a'], stamps: [['/k', '1:2:3:4']] });
    for (const bad of ['', 'null', '[]', '{"file":1,"args":[],"stamps":[]}', '{"file":"r","args":[1],"stamps":[]}', '{"file":"r","args":[],"stamps":[["/k"]]}', '{"file":"r","args":[]}']) expect(parsePlan(bad)).toBeNull();
  });

  it('a plan is kept only for a process launched to look for one', () => {
    const s = setup();
    rememberLaunch(vmm(s.dir), [s.kernel]);
    expect(readdirSync(s.dir)).not.toContain('cache');
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
  });

  it('the next identical launch starts the planned process at once; adopted after it ended, nothing it did is lost', async () => {
    const s = setup();
    startEarly(s.bundle, argv, s.env);
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
    rememberLaunch(vmm(s.dir), [s.kernel]);
    expect(readdirSync(join(s.dir, 'cache', 'unik', 'plans'))).toHaveLength(1);
    forget();

    startEarly(s.bundle, argv, s.env);
    expect(await waitFor(() => { try { return !isAlive(Number(readFileSync(join(s.dir, 'pid'), 'utf8'))); } catch { return false; } })).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    const rec = takeEarlyStart(vmm(s.dir))!;
    expect(rec).not.toBeNull();
    const seen: ChildEvent[] = [];
    rec.attach((e) => seen.push(e));
    expect(seen.filter((e) => e.type === 'stdout').map((e) => 'data' in e && e.data.toString())).toEqual(['hi\n']);
    expect(seen.at(-1)).toMatchObject({ type: 'close', status: 3 });
    // Asked once: a later start is the caller's own.
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
  });

  it('an early process that is not what the CLI decided is killed, and none is handed over', async () => {
    const s = setup();
    const slow = { file: 'sh', args: ['-c', `echo $$ > ${s.dir}/pid; exec sleep 30`] };
    startEarly(s.bundle, argv, s.env);
    rememberLaunch(slow, [s.kernel]);
    forget();
    startEarly(s.bundle, argv, s.env);
    expect(await waitFor(() => { try { return readFileSync(join(s.dir, 'pid'), 'utf8').endsWith('\n'); } catch { return false; } })).toBe(true);
    const pid = Number(readFileSync(join(s.dir, 'pid'), 'utf8'));
    expect(isAlive(pid)).toBe(true);
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
    expect(await waitFor(() => !isAlive(pid))).toBe(true);
  });

  it('nothing starts early when a file the plan was decided from changed, or with UNIK_EARLY_START=off', async () => {
    const s = setup();
    startEarly(s.bundle, argv, s.env);
    rememberLaunch(vmm(s.dir), [s.kernel]);
    forget();
    startEarly(s.bundle, argv, { ...s.env, UNIK_EARLY_START: 'off' });
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
    writeFileSync(s.kernel, 'rebuilt');
    startEarly(s.bundle, argv, s.env);
    expect(takeEarlyStart(vmm(s.dir))).toBeNull();
    await new Promise((r) => setTimeout(r, 200));
    expect(readdirSync(s.dir)).not.toContain('pid');
  });
});
