import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStepRunner, runStep } from '../../lib/steps.js';
import { tmpTree } from '../helpers/tmp.js';

describe('openStepRunner', () => {
  it('logs every command and its output into one file, and shows each step to the progress sink', async () => {
    const log = join(tmpTree(), 'logs', 'b.log');
    const seen: string[] = [];
    const run = await openStepRunner(log, (t) => seen.push(t));
    await run.step('say hi', 'sh', ['-c', 'echo hi; echo there >&2']);
    await run.close();
    const text = readFileSync(log, 'utf8');
    expect(text).toContain("$ sh -c echo hi; echo there >&2");
    expect(text).toMatch(/hi\nthere|there\nhi/);
    expect(seen[0]).toBe('[1] say hi');
    expect(run.logged()).toBe(true);
  });

  it('a run that took no step (a check failed first) leaves no empty log behind', async () => {
    const log = join(tmpTree(), 'logs', 'b.log');
    const run = await openStepRunner(log);
    await run.close();
    expect(existsSync(log)).toBe(false);
    expect(run.logged()).toBe(false);
  });

  it('a failing step: one line naming the step, its exit code and the log, with the log tail as detail (exit 1)', async () => {
    const log = join(tmpTree(), 'b.log');
    const run = await openStepRunner(log);
    const err = await run.step('compile', 'sh', ['-c', 'echo boom; exit 3']).catch((e: unknown) => e);
    await run.close();
    expect(err).toMatchObject({ exitCode: 1, message: `compile failed (exit code 3); log: ${log}` });
    expect((err as { detail: string }).detail).toContain('boom');
  });

  it('arguments are never a shell: metacharacters reach the tool as they are', async () => {
    expect(await runStep('echo', 'echo', ['$(id)', ';', '|'])).toBe('$(id) ; |');
  });

  it('a quick step that fails or hangs: its title, why, and the output tail', async () => {
    await expect(runStep('probe', 'sh', ['-c', 'echo nope >&2; exit 2'])).rejects.toMatchObject({ message: 'probe failed (exit code 2)', detail: 'nope' });
    await expect(runStep('wait', 'sleep', ['5'], { timeoutMs: 100 })).rejects.toMatchObject({ message: 'wait failed (timed out)' });
  });
});
