import { execFileSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { memoWhileUnchanged, newestChangeMs } from '../../lib/tree-memo.js';
import { tmpTree } from '../helpers/tmp.js';

describe('newestChangeMs', () => {
  it('moves with an edit in place, a new file, a rename and a commit, not with git\'s object store alone', async () => {
    const dir = tmpTree({ 'a.ml': 'let x = 1\n', 'sub/b.ml': 'let y = 1\n' });
    const git = (...a: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...a], { stdio: 'pipe' });
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const steps: [string, () => void][] = [
      ['edit in place', () => writeFileSync(join(dir, 'sub', 'b.ml'), 'let y = 2\n')],
      ['new file', () => writeFileSync(join(dir, 'sub', 'c.ml'), '')],
      ['rename', () => renameSync(join(dir, 'sub', 'c.ml'), join(dir, 'sub', 'd.ml'))],
      ['commit', () => (git('add', '-A'), git('commit', '-qm', 'y'))],
    ];
    for (const [what, change] of steps) {
      const before = newestChangeMs(dir);
      await sleep(15);
      change();
      expect(newestChangeMs(dir), what).toBeGreaterThan(before);
    }
    const before = newestChangeMs(dir);
    await sleep(15);
    mkdirSync(join(dir, '.git', 'objects', 'ff'), { recursive: true });
    writeFileSync(join(dir, '.git', 'objects', 'ff', 'loose'), 'x');
    expect(newestChangeMs(dir)).toBe(before);
  });
});

describe('memoWhileUnchanged', () => {
  it('computes once while the tree is unchanged, and again after any change', async () => {
    const dir = tmpTree({ 'a.ml': 'let x = 1\n' });
    const memo = join(tmpTree(), 'memo.json');
    let calls = 0;
    const compute = async () => ++calls;
    await sleep(15);
    expect(await memoWhileUnchanged(memo, 'k', [dir], compute, 0)).toBe(1);
    expect(await memoWhileUnchanged(memo, 'k', [dir], compute, 0)).toBe(1);
    expect(await memoWhileUnchanged(memo, 'other key', [dir], compute, 0)).toBe(2);
    await sleep(15);
    writeFileSync(join(dir, 'a.ml'), 'let x = 2\n');
    expect(await memoWhileUnchanged(memo, 'k', [dir], compute, 0)).toBe(3);
  });
});
