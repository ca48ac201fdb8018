import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { recordChild, type ChildEvent } from '../../lib/recorded-child.js';

const closed = (rec: ReturnType<typeof recordChild>) => new Promise<void>((r) => rec.child.on('close', () => r()));

describe('recordChild', () => {
  it('keeps every event of a process that ended before anyone attached, and replays them in order', async () => {
    const t0 = process.hrtime.bigint();
    const rec = recordChild(spawn('sh', ['-c', 'echo out; echo err >&2; echo report >&3; exit 3'], { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] }), t0);
    await closed(rec);
    const seen: ChildEvent[] = [];
    rec.attach((e) => seen.push(e));
    const types = seen.map((e) => e.type);
    expect(types[0]).toBe('spawn');
    expect(types.at(-1)).toBe('close');
    expect(types.indexOf('exit')).toBeGreaterThan(0);
    const text = (type: string) => seen.flatMap((e) => (e.type === type && 'data' in e ? [e.data.toString()] : [])).join('');
    expect([text('stdout'), text('stderr'), text('report')]).toEqual(['out\n', 'err\n', 'report\n']);
    expect(seen.at(-1)).toMatchObject({ type: 'close', status: 3, signal: null });
    // Times are when the events were seen, after the start; and in order.
    expect(seen.every((e, i) => e.at >= t0 && (i === 0 || e.at >= seen[i - 1]!.at))).toBe(true);
    expect(rec.startedAt).toBe(t0);
  });

  it('after attaching, events go straight to the follower; a second follower is refused', async () => {
    const rec = recordChild(spawn('sh', ['-c', 'sleep 0.2; echo late'], { stdio: ['ignore', 'pipe', 'pipe'] }), process.hrtime.bigint());
    const seen: string[] = [];
    rec.attach((e) => seen.push(e.type === 'stdout' ? `stdout:${e.data.toString().trim()}` : e.type));
    expect(() => rec.attach(() => {})).toThrow(/one follower/);
    await closed(rec);
    expect(seen).toEqual(['spawn', 'stdout:late', 'exit', 'close']);
  });

  it('a spawn that fails is an error event, kept like any other', async () => {
    const rec = recordChild(spawn('/nonexistent/vmm', [], { stdio: ['ignore', 'pipe', 'pipe'] }), process.hrtime.bigint());
    await new Promise((r) => setTimeout(r, 100));
    const seen: ChildEvent[] = [];
    rec.attach((e) => seen.push(e));
    expect(seen.find((e) => e.type === 'error')).toMatchObject({ error: expect.objectContaining({ code: 'ENOENT' }) });
  });
});
