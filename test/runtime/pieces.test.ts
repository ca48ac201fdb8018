import { describe, expect, it } from 'vitest';
import { cgroupPath, hierarchies } from '../../runtime/cgroup.js';
import { guestArgs } from '../../runtime/create.js';
import { logLine } from '../../runtime/log.js';
import { guestMemoryMiB, MONITOR_MIB, VMM_OVERHEAD_MIB } from '../../runtime/memory.js';
import { namespaceArgv } from '../../runtime/namespaces.js';
import { qmpSocket } from '../../runtime/monitor-plan.js';

describe('namespaces', () => {
  it('joins those given by path (nsenter), makes the others new (unshare); pid and user namespaces are not made', () => {
    expect(namespaceArgv([{ type: 'pid' }, { type: 'network', path: '/run/netns/cni-1' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'user' }]))
      .toEqual(['nsenter', '--net=/run/netns/cni-1', '--', 'unshare', '--ipc', '--uts', '--mount', '--']);
    expect(namespaceArgv([])).toEqual([]);
    expect(namespaceArgv([{ type: 'network' }])).toEqual(['unshare', '--net', '--']);
  });
});

describe('QMP socket', () => {
  it("fits a Unix socket's 107 bytes under docker's root with a 64-hex id, and differs per id", () => {
    const id = 'a'.repeat(64);
    const p = qmpSocket('/var/run/docker/runtime-runc/moby', id);
    expect(p).toMatch(/^\/var\/run\/docker\/runtime-runc\/moby\/\.qmp\/[0-9a-f]{16}\.sock$/);
    expect(p.length).toBeLessThan(108);
    expect(qmpSocket('/r', 'b')).not.toBe(qmpSocket('/r', 'c'));
  });
});

describe('cgroups', () => {
  it('reads v1 controllers and the unified hierarchy from /proc/self/mounts', () => {
    const mounts = 'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0\nproc /proc proc rw 0 0\ncgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0';
    expect(hierarchies(mounts)).toEqual([
      { mount: '/sys/fs/cgroup/memory', version: 1, controllers: ['memory'] },
      { mount: '/sys/fs/cgroup/unified', version: 2, controllers: [] },
      { mount: '/sys/fs/cgroup/cpu,cpuacct', version: 1, controllers: ['cpu', 'cpuacct'] },
    ]);
  });
  it('cgroupsPath: cgroupfs paths as given (never above the root), systemd\'s slice:prefix:name as systemd places it', () => {
    expect(cgroupPath('/libpod_parent/libpod-abc', false, 'abc')).toBe('/libpod_parent/libpod-abc');
    expect(cgroupPath('/default/../../etc', false, 'x')).toBe('/default/etc');
    expect(cgroupPath('machine.slice:libpod:abc', true, 'abc')).toBe('/machine.slice/libpod-abc.scope');
    expect(cgroupPath('user-1000.slice:docker:abc', true, 'abc')).toBe('/user.slice/user-1000.slice/docker-abc.scope');
    expect(cgroupPath(undefined, false, 'abc')).toBe('/unik-runtime/abc');
  });
});

describe('memory limit', () => {
  it('no limit: the image\'s size; enough: the same; too small: an error naming both numbers', () => {
    expect(guestMemoryMiB(8, undefined, 'h')).toBe(8);
    expect(guestMemoryMiB(8, 1024 * 1024 * 1024, 'h')).toBe(8);
    const need = 8 + MONITOR_MIB + VMM_OVERHEAD_MIB;
    expect(() => guestMemoryMiB(8, 64 * 1024 * 1024, 'hello')).toThrow(`linux.resources.memory.limit: expected at least ${need} MiB for hello (8 MiB of guest memory + ${MONITOR_MIB + VMM_OVERHEAD_MIB} MiB for the VMM and its monitor), found 64 MiB`);
  });
});

describe('logs and arguments', () => {
  it('log lines as runc (logrus) writes them', () => {
    expect(logLine('json', 'error', 'container "x" does not exist', 'T')).toBe('{"level":"error","msg":"container \\"x\\" does not exist","time":"T"}\n');
    expect(logLine('text', 'error', 'boom', 'T')).toBe('time="T" level=error msg="boom"\n');
  });
  it('process.args: the Entrypoint /unik/kernel is dropped, the rest are the guest\'s arguments', () => {
    expect(guestArgs(['/unik/kernel', 'world'])).toEqual(['world']);
    expect(guestArgs(['/unik/kernel'])).toEqual([]);
    expect(guestArgs(['hello'])).toEqual(['hello']);
    expect(guestArgs(undefined)).toBeUndefined();
  });
});
