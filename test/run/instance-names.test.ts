import { describe, expect, it } from 'vitest';
import { layout } from '../../lib/home.js';
import { listInstances, recordNewInstance, type Instance } from '../../run/instances.js';
import { tmpTree } from '../helpers/tmp.js';

const instance = (id: string, name: string): Instance =>
  ({ id, name, image: { id: 'a1b2c3d4e5f6', name: 'x', target: 'unikraft' }, state: 'exited', pid: null, supervisorPid: null, supervisor: null, vmm: null, startedAt: new Date().toISOString(), exitedAt: null, exitCode: 0, how: null, ports: [], accel: 'tcg', machine: 'pc', bootMs: null, readyMs: null, exitMs: null, logPath: '/dev/null', stderrTail: null, spec: {} as never, ready: null, readyHttp: null }) as Instance;

describe('issue 23 item 11: instance names are unique under races', () => {
  it('ten records of one name at once: exactly one is written, nine are refused with one line', async () => {
    const l = layout(tmpTree());
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => recordNewInstance(l, instance(`00000000000${i}`, 'same'))));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refusals = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason.message);
    expect(new Set(refusals)).toEqual(new Set(['--name: expected a name not in use, found "same" (see "unik ps"; "unik rm same" frees it)']));
    expect(listInstances(l).map((i) => i.name)).toEqual(['same']);
  });
});
