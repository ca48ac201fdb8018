import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIncomplete, repairableWork } from '../../lib/workdir.js';
import { tmpTree } from '../helpers/tmp.js';

const dirWith = (file: string) => {
  const dir = join(tmpTree(), 'work');
  mkdirSync(dir);
  writeFileSync(join(dir, file), 'left from an earlier build');
  return dir;
};

describe('repairableWork (build dirs a killed build may have left half-written)', () => {
  it('keeps the directory and its files for an incremental build, and marks it complete after success or an orderly failure', async () => {
    const dir = dirWith('main.o');
    expect(await repairableWork(dir, async () => (isIncomplete(dir) ? 'marked while working' : 'unmarked'))).toBe('marked while working');
    expect(existsSync(join(dir, 'main.o'))).toBe(true);
    expect(isIncomplete(dir)).toBe(false);
    await expect(repairableWork(dir, async () => Promise.reject(new Error('compile error')))).rejects.toThrow('compile error');
    expect(isIncomplete(dir)).toBe(false);
  });

  it('leaves the mark when a tool was killed, and the next run empties the directory and says so', async () => {
    const dir = dirWith('half.o');
    await expect(repairableWork(dir, async () => Promise.reject(new Error('make killed')), { killed: () => true })).rejects.toThrow();
    expect(isIncomplete(dir)).toBe(true);
    let repaired = false;
    await repairableWork(dir, async () => {
      expect(existsSync(join(dir, 'half.o'))).toBe(false);
    }, { onRepair: () => (repaired = true) });
    expect(repaired).toBe(true);
    expect(isIncomplete(dir)).toBe(false);
  });

  it('clean (--no-cache) starts from an empty directory without calling it a repair', async () => {
    const dir = dirWith('stale.o');
    let repaired = false;
    await repairableWork(dir, async () => expect(existsSync(join(dir, 'stale.o'))).toBe(false), { clean: true, onRepair: () => (repaired = true) });
    expect(repaired).toBe(false);
  });
});
