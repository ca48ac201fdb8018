import { describe, expect, it } from 'vitest';
import { ociSpec, withNetns } from '../../../bench/containers/oci-spec.js';
import { hostfwdRequest, slirpArgv } from '../../../bench/containers/slirp-network.js';

describe("runc/crun server ports through slirp4netns", () => {
  it('forwards a port on 127.0.0.1 only', () => {
    expect(JSON.parse(hostfwdRequest({ host: 8280, guest: 80, protocol: 'tcp' }))).toEqual({
      execute: 'add_hostfwd',
      arguments: { proto: 'tcp', host_addr: '127.0.0.1', host_port: 8280, guest_port: 80 },
    });
  });

  it('configures the namespace of the given pid, with the host loopback out of reach', () => {
    const argv = slirpArgv('/b/slirp.sock', 4242);
    expect(argv).toContain('--configure');
    expect(argv).toContain('--disable-host-loopback');
    expect(argv.slice(-2)).toEqual(['4242', 'tap0']);
  });

  it("joins the given network namespace and keeps every other one fresh; the root by absolute path", () => {
    const spec = withNetns(ociSpec(['/nginx']), '/proc/4242/ns/net', '/b/bundle/rootfs') as { root: { path: string; readonly: boolean }; linux: { namespaces: { type: string; path?: string }[] } };
    expect(spec.root).toEqual({ path: '/b/bundle/rootfs', readonly: true });
    expect(spec.linux.namespaces).toContainEqual({ type: 'network', path: '/proc/4242/ns/net' });
    expect(spec.linux.namespaces.filter((n) => n.path)).toHaveLength(1);
  });

  it('puts twins that run side by side each in a cgroup of its own', () => {
    const spec = withNetns(ociSpec(['/app'], '/unik-bench/twin'), '/proc/1/ns/net', '/r', '/unik-density-1a2b/3') as { linux: { cgroupsPath: string } };
    expect(spec.linux.cgroupsPath).toBe('/unik-density-1a2b/3');
    expect((withNetns(ociSpec(['/app'], '/unik-bench/twin'), '/proc/1/ns/net', '/r') as { linux: { cgroupsPath: string } }).linux.cgroupsPath).toBe('/unik-bench/twin');
  });

  it('gives the read-only root a writable /tmp', () => {
    const mounts = (ociSpec(['/nginx']) as { mounts: { destination: string; type: string }[] }).mounts;
    expect(mounts).toContainEqual(expect.objectContaining({ destination: '/tmp', type: 'tmpfs' }));
  });
});
