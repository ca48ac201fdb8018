import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

describe('a reader that stops reading (unik … | head)', () => {
  it.each([[['sources', 'list']], [['--help']]])('ends unik %j quietly with exit 0, not with an EPIPE stack trace', async (args) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, UNIK_HOME: tmpTree() }, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before unik has started: its first write meets a pipe nobody reads.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
