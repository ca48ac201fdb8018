import { spawn } from 'node:child_process';
import { utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withLock } from '../../lib/lock.js';
import { tmpTree } from '../helpers/tmp.js';

describe('withLock', () => {
  it('lets one holder in at a time', async () => {
    const lock = join(tmpTree(), 'x.lock');
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 5 }, () =>
        withLock(lock, async () => {
          most = Math.max(most, ++inside);
          await new Promise((r) => setTimeout(r, 30));
          inside -= 1;
        }),
      ),
    );
    expect(most).toBe(1);
  });

  it('waits for a live holder and says so once; takes over a lock whose pid now belongs to someone else', async () => {
    const dir = tmpTree();
    const other = spawn('sleep', ['30'], { stdio: 'ignore' });
    await new Promise((r) => other.once('spawn', r));
    try {
      // The holder died and the kernel gave its pid to this sleep, which started after the lock was written.
      writeFileSync(join(dir, 'stale.lock'), String(other.pid));
      const anHourAgo = new Date(Date.now() - 3_600_000);
      utimesSync(join(dir, 'stale.lock'), anHourAgo, anHourAgo);
      const told: number[] = [];
      expect(await withLock(join(dir, 'stale.lock'), async () => 'mine', (p) => told.push(p))).toBe('mine');
      expect(told).toEqual([]);

      writeFileSync(join(dir, 'held.lock'), String(other.pid));
      const got = withLock(join(dir, 'held.lock'), async () => 'after', (p) => told.push(p));
      await new Promise((r) => setTimeout(r, 600));
      expect(told).toEqual([other.pid]);
      other.kill('SIGKILL');
      expect(await got).toBe('after');
    } finally {
      other.kill('SIGKILL');
    }
  });

  it('a holder that has held the lock for long is still the holder (it started before the lock was written)', async () => {
    const dir = tmpTree();
    writeFileSync(join(dir, 'old.lock'), String(process.pid));
    const told: number[] = [];
    const got = withLock(join(dir, 'old.lock'), async () => 'done', (p) => told.push(p));
    await new Promise((r) => setTimeout(r, 300));
    expect(told).toEqual([process.pid]);
    writeFileSync(join(dir, 'old.lock'), '999999999');
    expect(await got).toBe('done');
  });
});
