import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { identify, startedAtMs, startTimeOf, stillRunning } from '../../lib/pid.js';

describe('process identity', () => {
  it('reads field 22 of /proc/PID/stat even when the command name holds spaces and parentheses', () => {
    const stat = '4242 (a (weird) name) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 987654 1000 10';
    expect(startTimeOf(stat)).toBe('987654');
    expect(startTimeOf('1 (x) S')).toBeNull();
  });

  it('names a live process and still matches it; a pid with another start time or executable does not match', async () => {
    const child = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => child.once('spawn', r));
    try {
      const id = identify(child.pid!)!;
      expect(Math.abs(startedAtMs(child.pid!)! - Date.now())).toBeLessThan(3000);
      expect(startedAtMs(1)!).toBeLessThan(Date.now() - 1000);
      expect(id).toMatchObject({ pid: child.pid, exe: expect.stringMatching(/sleep$/) });
      expect(stillRunning(id)).toBe(true);
      // What a record looks like after the pid was reused by another process.
      expect(stillRunning({ ...id, start: String(Number(id.start) + 1) })).toBe(false);
      expect(stillRunning({ ...id, exe: '/usr/bin/qemu-system-x86_64' })).toBe(false);
      expect(stillRunning({ ...id, boot: 'another-boot' })).toBe(false);
    } finally {
      child.kill('SIGKILL');
    }
    await new Promise((r) => child.once('exit', r));
    expect(identify(child.pid!)).toBeNull();
  });
});
