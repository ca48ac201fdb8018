import { execa } from 'execa';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MIN_LOG_FREE, openStepRunner } from '../../lib/steps.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { smallTmpfs } from '../helpers/tmpfs.js';

const logs = join(tmpTree(), 'logs');
const unmount = await smallTmpfs(logs, '4m', 'build-log ENOSPC tests');
afterAll(async () => unmount?.());

/** Fill the tmpfs until only `leave` bytes are free. */
async function fillLeaving(leave: number): Promise<void> {
  const { stdout } = await execa('df', ['-B1', '--output=avail', logs]);
  const avail = Number(stdout.trim().split('\n')[1]);
  writeFileSync(join(logs, `filler-${Date.now()}`), Buffer.alloc(Math.max(0, avail - leave)));
}

describe.skipIf(!unmount)('build log on a full disk (tmpfs)', () => {
  it('a step whose log fills the disk is stopped and fails in one line naming the log; no half log, no process left', async () => {
    const log = join(logs, 'build-noisy.log');
    const runner = await openStepRunner(log);
    await fillLeaving(MIN_LOG_FREE + 64 * 1024);
    const marker = `unik-enospc-${Date.now()}`;
    // `yes` writes forever: the log fills the disk and the write fails with ENOSPC.
    const err = await runner.step('noisy tool', 'yes', [marker]).then(() => null, (e: Error & { exitCode: number }) => e);
    expect(err).toMatchObject({ exitCode: 1 });
    expect(err!.message).toMatch(new RegExp(`^no space left on device writing the build log ${log} \\(after [\\d.]+ [KM]iB\\); free at least 1\\.0 MiB there and build again$`));
    await expect(runner.close()).rejects.toMatchObject({ exitCode: 1 });
    expect(existsSync(log)).toBe(false);
    expect(await waitFor(async () => (await pidsMatching(marker)).length === 0, 3000)).toBe(true);
  });

  it('refuses to start a build when the log directory has less than 1 MiB free, naming it and the space needed', async () => {
    await fillLeaving(100 * 1024);
    const before = readdirSync(logs);
    await expect(openStepRunner(join(logs, 'build-x.log'))).rejects.toMatchObject({
      exitCode: 1,
      message: expect.stringMatching(new RegExp(`^${logs}: a build needs 1\\.0 MiB free for its log ${join(logs, 'build-x.log')}, found [\\d.]+ KiB free there$`)),
    });
    expect(readdirSync(logs)).toEqual(before);
  });
});
