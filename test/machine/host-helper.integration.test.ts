import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layout } from '../../lib/home.js';
import { helperFlags, hostHelper } from '../../machine/host-helper.js';
import { tmpTree } from '../helpers/tmp.js';

const hasGcc = (await execa('gcc', ['--version'], { reject: false })).exitCode === 0;
if (!hasGcc) console.warn('\n*** SKIPPING host helper integration test: gcc is not installed (apt-get install gcc) ***\n');

/** Whether an ELF64 file names a dynamic loader (a PT_INTERP program header). */
function hasInterpreter(file: string): boolean {
  const b = readFileSync(file);
  const [phoff, phentsize, phnum] = [Number(b.readBigUInt64LE(0x20)), b.readUInt16LE(0x36), b.readUInt16LE(0x38)];
  return Array.from({ length: phnum }, (_, i) => b.readUInt32LE(phoff + i * phentsize)).includes(3);
}

describe('host helpers', () => {
  it('the reaper is tried static first (no dynamic loader before every VMM), then dynamic; the others as they are', () => {
    expect(helperFlags('reap')).toEqual([['-O2', '-static'], ['-O2']]);
    expect(helperFlags('tsc-khz')).toEqual([['-O2']]);
  });

  it.skipIf(!hasGcc)('builds the reaper statically where the host has a static libc, and it reports the peak RSS it reaped', async () => {
    const reaper = await hostHelper(layout(tmpTree()), 'reap');
    expect(reaper).not.toBeNull();
    const staticLibc = (await execa('gcc', ['-print-file-name=libc.a'])).stdout.trim() !== 'libc.a';
    expect(hasInterpreter(reaper!)).toBe(!staticLibc);
    const r = await execa(reaper!, ['dd', 'if=/dev/zero', 'of=/dev/null', 'bs=16M', 'count=1'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
    expect(r.exitCode).toBe(0);
    expect(Number(r.stdio[3])).toBeGreaterThan(16 * 1024);
  });
});
