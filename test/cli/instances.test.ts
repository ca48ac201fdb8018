import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAlive } from '../../lib/pid.js';
import { unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/** An instance record as the supervisor writes it, for a guest that is long gone. */
function plant(home: string, id: string, name: string, fields: Record<string, unknown>): string {
  const dir = join(home, 'instances', id);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'console.log'), `console of ${name}\n`);
  const record = {
    id, name, image: { id: 'aaaa00000001', name: 'app', target: 'unikraft' }, state: 'exited', pid: null, supervisorPid: null,
    supervisor: null, vmm: null, startedAt: new Date().toISOString(), exitedAt: null, exitCode: 0, how: 'halted', ports: [],
    accel: 'tcg', machine: 'microvm', bootMs: 1, readyMs: null, exitMs: 2, logPath: join(dir, 'console.log'), stderrTail: null,
    spec: {}, ready: null, readyHttp: null, ...fields,
  };
  writeFileSync(join(dir, 'instance.json'), JSON.stringify(record));
  return dir;
}

const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
const strangers: ChildProcess[] = [];
/** An unrelated process (a sleep) that now holds a pid an old record names. */
async function stranger(): Promise<number> {
  const p = spawn('sleep', ['300'], { stdio: 'ignore' });
  strangers.push(p);
  await new Promise((r) => p.once('spawn', r));
  return p.pid!;
}
afterAll(() => strangers.forEach((p) => p.kill('SIGKILL')));

describe('stale instance records never signal the wrong process', () => {
  it.each([['stop'], ['rm', '-f']])('unik %s of a running record whose supervisor pid was reused leaves that process alone', async (...cmd) => {
    const home = tmpTree();
    const sup = await stranger();
    const vmm = await stranger();
    // The supervisor died (kill -9, OOM, reboot); the kernel gave its pid, and the VMM's, to unrelated processes.
    const dir = plant(home, 'cafe00000001', 'web', {
      state: 'running', exitCode: null, how: null, supervisorPid: sup, pid: vmm,
      supervisor: { pid: sup, boot: bootId, start: '1', exe: process.execPath },
      vmm: { pid: vmm, boot: bootId, start: '2', exe: '/usr/bin/qemu-system-x86_64' },
    });
    const res = await unik([...cmd, 'web', '--json'], { UNIK_HOME: home });
    expect(res.exitCode, res.stderr).toBe(0);
    expect(isAlive(sup)).toBe(true);
    expect(isAlive(vmm)).toBe(true);
    if (cmd[0] === 'stop') {
      expect(JSON.parse(res.stdout)).toMatchObject({ state: 'exited', how: 'supervisor vanished (host reboot or kill -9)' });
      expect(JSON.parse(readFileSync(join(dir, 'instance.json'), 'utf8')).state).toBe('exited');
    } else expect(existsSync(dir)).toBe(false);
  }, 20_000);

  it('ps shows such a record as exited', async () => {
    const home = tmpTree();
    const sup = await stranger();
    plant(home, 'cafe00000002', 'db', { state: 'running', exitCode: null, how: null, supervisorPid: sup, supervisor: { pid: sup, boot: bootId, start: '1', exe: process.execPath } });
    const [row] = JSON.parse((await unik(['ps', '-a', '--json'], { UNIK_HOME: home })).stdout);
    expect(row).toMatchObject({ name: 'db', state: 'exited' });
  });
});

describe('instance references', () => {
  const home = tmpTree();
  plant(home, '1334aaaa0000', 'one', {});
  plant(home, '1334bbbb0000', 'two', {});

  it.each([['logs'], ['stop'], ['rm']])('unik %s with a prefix two ids share exits 2 listing both, and touches neither', async (cmd) => {
    const res = await unik([cmd, '1334'], { UNIK_HOME: home });
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toBe('unik: instance: expected a unique id prefix or a name, found "1334", which matches 2: 1334aaaa0000 (one), 1334bbbb0000 (two)');
    expect(res.stdout).toBe('');
    expect(existsSync(join(home, 'instances', '1334aaaa0000'))).toBe(true);
    expect(existsSync(join(home, 'instances', '1334bbbb0000'))).toBe(true);
  });

  it('a unique prefix or a name still works', async () => {
    expect((await unik(['logs', '1334b'], { UNIK_HOME: home })).stdout).toBe('console of two');
    expect((await unik(['logs', 'one'], { UNIK_HOME: home })).stdout).toBe('console of one');
  });
});
