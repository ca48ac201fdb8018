import { execa } from 'execa';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

describe('the rooms', () => {
  it('no import runs up a floor, no import cycles, no room over a quarter of the code', async () => {
    const res = await execa(process.execPath, [join(ROOT, 'scripts', 'check-rooms.mjs'), '--json'], { reject: false });
    const report = JSON.parse(res.stdout) as { problems: string[]; rooms: { room: string }[] };
    expect(report.problems).toEqual([]);
    expect(report.rooms.map((r) => r.room)).toEqual(expect.arrayContaining(['lib', 'manifest', 'sources', 'machine', 'targets', 'images', 'run', 'bench', 'cli']));
    expect(res.exitCode).toBe(0);
  });
});
