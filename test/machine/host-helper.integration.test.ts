import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { layout } from '../../lib/home.js';
import { helperFlags, hostHelper } from '../../machine/host-helper.js';
import { parseReport } from '../../machine/vm-process.js';
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

  it.skipIf(!hasGcc)('builds the reaper statically where the host has a static libc; it relays the console and reports peak RSS and its own times', async () => {
    const reaper = await hostHelper(layout(tmpTree()), 'reap');
    expect(reaper).not.toBeNull();
    const staticLibc = (await execa('gcc', ['-print-file-name=libc.a'])).stdout.trim() !== 'libc.a';
    expect(hasInterpreter(reaper!)).toBe(!staticLibc);
    const before = process.hrtime.bigint();
    const r = await execa(reaper!, ['sh', '-c', 'sleep 0.2; echo up; dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null; sleep 0.2; exit 4'], { stdio: ['ignore', 'pipe', 'ignore', 'pipe'], reject: false });
    const after = process.hrtime.bigint();
    expect(r.exitCode).toBe(4);
    expect(r.stdout).toBe('up');
    const report = parseReport(`${r.stdio[3]}\n`)!;
    expect(report.peakRssKiB).toBeGreaterThan(16 * 1024);
    // The reaper's CLOCK_MONOTONIC is Node's hrtime: the first byte came ~0.2 s in, the end ~0.2 s after it.
    expect(report.firstByteNs! - before).toBeGreaterThan(150_000_000n);
    expect(report.endNs - report.firstByteNs!).toBeGreaterThan(150_000_000n);
    expect(report.endNs).toBeLessThan(after);
  });

  it.skipIf(!hasGcc)('the reaper stops relaying when the command ends, even if something it started keeps the console open', async () => {
    const reaper = await hostHelper(layout(tmpTree()), 'reap');
    const t0 = Date.now();
    const r = await execa(reaper!, ['sh', '-c', '(sleep 5; echo late) & echo now'], { stdio: ['ignore', 'pipe', 'ignore', 'pipe'], reject: false });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.stdout).toBe('now');
    expect(parseReport(`${r.stdio[3]}\n`)).not.toBeNull();
  });
});
