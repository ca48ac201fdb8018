import { describe, expect, it } from 'vitest';
import { doesNotExist, stateJson, statusOf, type ContainerRecord } from '../../runtime/state.js';

/** A /proc/PID/stat line: state letter and start time (field 22), with a command name holding ") (". */
const stat = (state: string, start: string) => `4242 (node ) (x) ${state} 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 ${start} 20 21`;

const rec: ContainerRecord = {
  id: 'c1', bundle: '/b', rootfs: '/b/rootfs', created: '2026-12-07T02:00:00.000Z', annotations: { a: 'b' },
  pid: 4242, pidStart: '777', started: false, cgroups: [], image: 'hello-unikraft',
};

describe('status', () => {
  it('created until start, running after, stopped once the process is gone, a zombie, or someone else', () => {
    expect(statusOf(rec, stat('S', '777'))).toBe('created');
    expect(statusOf({ ...rec, started: true }, stat('R', '777'))).toBe('running');
    expect(statusOf({ ...rec, started: true }, stat('Z', '777'))).toBe('stopped');
    expect(statusOf({ ...rec, started: true }, null)).toBe('stopped');
    expect(statusOf({ ...rec, started: true }, stat('S', '778'))).toBe('stopped');
  });
});

describe('state JSON', () => {
  it('has runc\'s fields; a stopped container\'s pid is 0', () => {
    expect(stateJson(rec, 'created')).toEqual({ ociVersion: '1.0.2', id: 'c1', pid: 4242, status: 'created', bundle: '/b', rootfs: '/b/rootfs', created: rec.created, owner: '', annotations: { a: 'b' } });
    expect(stateJson(rec, 'stopped').pid).toBe(0);
  });
  it('a missing container in the words podman matches', () => expect(doesNotExist('c9')).toBe('container "c9" does not exist'));
});
