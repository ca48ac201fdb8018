import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { tiedGroup } from '../../lib/tied.js';
import { pidsMatching, waitFor } from '../helpers/procs.js';

/**
 * A parent (standing in for unik) that starts a tool the way the step runner does, then is killed. The tool
 * is like make: it has children of its own, and one of them ignores SIGTERM.
 */
async function killParentOf(signal: NodeJS.Signals): Promise<{ before: number; after: () => Promise<number[]> }> {
  const marker = `${Date.now() % 100000}.${Math.floor(Math.random() * 1e6)}`;
  const tool = tiedGroup('sh', ['-c', `sleep 4${marker} & sleep 5${marker} & (trap "" TERM; sleep 6${marker}) & wait`]);
  const parent = spawn(process.execPath, ['-e', `require('child_process').spawn(${JSON.stringify(tool.file)}, ${JSON.stringify(tool.args)}, { stdio: 'ignore' }); setInterval(() => {}, 1000);`], { stdio: 'ignore' });
  await waitFor(async () => (await pidsMatching(`^sleep [456]${marker}`)).length === 3, 5000);
  const before = (await pidsMatching(`^sleep [456]${marker}`)).length;
  parent.kill(signal);
  return { before, after: () => pidsMatching(`^sleep [456]${marker}`) };
}

describe('tiedGroup: a tool and all its children die with unik', () => {
  it.each(['SIGKILL', 'SIGTERM'] as const)('when unik gets %s, no process of the tool is left (even one ignoring SIGTERM)', async (sig) => {
    const { before, after } = await killParentOf(sig);
    expect(before).toBe(3);
    expect(await waitFor(async () => (await after()).length === 0, 3000)).toBe(true);
  });
});
