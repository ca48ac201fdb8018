import { describe, expect, it } from 'vitest';
import { diagnose } from '../../../bench/containers/diagnose.js';
import { dockerdArgv, dockerdConfig, privateDockerdPaths } from '../../../bench/containers/docker-daemon.js';
import { dockerRunArgv } from '../../../bench/containers/docker.js';
import { hardLimit } from '../../../bench/containers/host.js';
import { needsCgroup2Workaround, ociRunArgv } from '../../../bench/containers/oci-runtime.js';
import { ociSpec } from '../../../bench/containers/oci-spec.js';
import { podmanDirs, podmanGlobalArgv, podmanRunArgv, podmanUlimits } from '../../../bench/containers/podman.js';
import { gccArgv, noTwinReason, twinSources } from '../../../bench/containers/twin.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96365                96365                processes
Max open files            1024                 20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('the twin', () => {
  it('is compiled from the C sources only, statically, optimised and stripped', () => {
    expect(twinSources({ sources: ['/a/main.c', '/a/util.h', '/a/x.ml'] })).toEqual(['/a/main.c']);
    expect(twinSources({ sources: ['/a/main.ml'] })).toBeNull();
  });

  it('knows when no twin can be built: MirageOS twins come from the unix target, others need C and gcc', () => {
    expect(noTwinReason({ name: 'm', sources: ['/a/unikernel.ml'] }, null, true)).toBeNull();
    expect(noTwinReason({ name: 'c', sources: ['/a/main.c'] }, '/usr/bin/gcc', false)).toBeNull();
    expect(noTwinReason({ name: 'c', sources: ['/a/main.c'] }, null, false)).toMatch(/gcc not found/);
    expect(noTwinReason({ name: 'x', sources: ['/a/app.so'] }, '/usr/bin/gcc', false)).toMatch(/has no C sources/);
    expect(gccArgv(['/a/main.c'], '/a', '/b/rootfs/app')).toEqual(['-static', '-O2', '-s', '-I/a', '-o', '/b/rootfs/app', '/a/main.c']);
  });

  it('bundle runs its argv read-only, without a terminal and in its own network namespace', () => {
    const spec = ociSpec(['/app', 'world']) as {
      process: { args: string[]; terminal: boolean };
      root: { readonly: boolean };
      linux: { namespaces: { type: string }[] };
    };
    expect(spec.process.args).toEqual(['/app', 'world']);
    expect(spec.process.terminal).toBe(false);
    expect(spec.root.readonly).toBe(true);
    expect(spec.linux.namespaces.map((n) => n.type)).toContain('network');
    expect(spec.linux).not.toHaveProperty('cgroupsPath');
    expect((ociSpec(['/app'], '/unik-bench-1/twin') as { linux: { cgroupsPath: string } }).linux.cgroupsPath).toBe('/unik-bench-1/twin');
  });
});

describe('runc and crun', () => {
  it('keep their state in a root of their own', () => {
    expect(ociRunArgv('/s', '/b', 'unik-bench-1-1')).toEqual(['--root', '/s', 'run', '--bundle', '/b', 'unik-bench-1-1']);
  });
  it('only crun needs the launcher, and only on hybrid cgroups', () => {
    expect(needsCgroup2Workaround('crun', true)).toBe(true);
    expect(needsCgroup2Workaround('crun', false)).toBe(false);
    expect(needsCgroup2Workaround('runc', true)).toBe(false);
  });
});

describe('host facts', () => {
  it('reads hard limits out of /proc/self/limits', () => {
    expect(hardLimit(LIMITS, 'Max open files')).toBe(20000);
    expect(hardLimit(LIMITS, 'Max processes')).toBe(96365);
    expect(hardLimit(LIMITS.replace('96365                processes', 'unlimited            processes'), 'Max processes')).toBeNull();
    expect(hardLimit('', 'Max open files')).toBeNull();
  });
});

describe('podman', () => {
  it('asks for no more than the hard limits and podman\'s own nproc cap allow', () => {
    expect(podmanUlimits({ hardNofile: 20000, hardNproc: 96365, pidMax: 32768 })).toEqual([
      '--ulimit',
      'nofile=20000:20000',
      '--ulimit',
      'nproc=32768:32768',
    ]);
    expect(podmanUlimits({ hardNofile: null, hardNproc: null, pidMax: 4194304 })).toEqual([]);
  });
  it('keeps its store private and moves a too-long runroot to the temp dir', () => {
    expect(podmanDirs('/h/bench/1/podman', 'unik-bench-1', '/tmp').runroot).toBe('/h/bench/1/podman/run');
    const deep = podmanDirs(`/${'x'.repeat(60)}/podman`, 'unik-bench-1', '/tmp');
    expect(deep.runroot).toBe('/tmp/unik-bench-1');
    // slirp4netns's API socket (<tmpdir>/<64 hex>.net) must fit a Unix socket path.
    expect(deep.tmpdir).toBe('/tmp/unik-bench-1-tmp');
    expect(podmanDirs('/h/bench/1/podman', 'unik-bench-1', '/tmp').tmpdir).toBe('/h/bench/1/podman/tmp');
    expect(deep.root).toBe(`/${'x'.repeat(60)}/podman/root`);
  });
  it('names runc on hybrid cgroups and runs the twin without network', () => {
    const dirs = { root: '/r', runroot: '/rr', tmpdir: '/t' };
    expect(podmanGlobalArgv(dirs, 'runc')).toEqual([
      '--root', '/r', '--runroot', '/rr', '--tmpdir', '/t', '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--runtime', 'runc',
    ]);
    expect(podmanGlobalArgv(dirs, null)).not.toContain('--runtime');
    expect(podmanRunArgv('c1', ['--ulimit', 'nofile=1:1'], 'img', ['/app', 'world'])).toEqual([
      'run', '--rm', '--network', 'none', '--name', 'c1', '--ulimit', 'nofile=1:1', 'img', '/app', 'world',
    ]);
  });
});

describe('docker', () => {
  it('runs the twin without network', () => {
    expect(dockerRunArgv('c1', 'img:latest', ['/app'])).toEqual(['run', '--rm', '--network', 'none', '--name', 'c1', 'img:latest', '/app']);
  });
  it('starts a private daemon that touches no host networking and keeps everything in its directory', () => {
    const p = privateDockerdPaths('/h/bench/1/docker');
    const argv = dockerdArgv(p);
    expect(argv).toEqual(expect.arrayContaining(['--bridge=none', '--iptables=false', '--ip-masq=false']));
    for (const flag of ['--config-file', '--data-root', '--exec-root', '--pidfile']) {
      expect(argv[argv.indexOf(flag) + 1]!.startsWith('/h/bench/1/docker/')).toBe(true);
    }
    expect(argv[argv.indexOf('--host') + 1]).toBe('unix:///h/bench/1/docker/docker.sock');
    expect(dockerdConfig(p)).toEqual({ 'deprecated-key-path': '/h/bench/1/docker/key.json' });
  });
});

describe('diagnose', () => {
  it('says what the known host problems mean', () => {
    expect(diagnose('Error: cgroups in hybrid mode not supported, drop all controllers from cgroupv2')).toMatch(/hybrid cgroups/);
    expect(diagnose('error setting rlimits for ready process: error setting rlimit type 7: operation not permitted')).toMatch(
      /hard limits/,
    );
    expect(diagnose('Cannot connect to the Docker daemon at unix:///var/run/docker.sock.')).toBe('the docker daemon is not running');
    expect(diagnose('something else')).toBeNull();
  });
});
