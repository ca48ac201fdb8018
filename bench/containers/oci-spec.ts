/**
 * Pure: the OCI runtime config for the twin's bundle. It follows `runc spec`'s defaults (the container
 * most users get) with three changes: no terminal, the twin's argv, and a read-only root with a tmpfs on /tmp
 * (a server such as nginx writes its pid and temporary files there). The network
 * namespace is a fresh one, so the container has no network, like `--network none` for podman/docker.
 * `cgroupsPath` puts it below the bench's memory cgroup, whose peak is read after each run.
 */
export function ociSpec(args: readonly string[], cgroupsPath: string | null = null, env: readonly string[] = []): Record<string, unknown> {
  // runc spec's set plus CAP_CHOWN, which podman and docker grant too: nginx chowns its temp paths to its worker user.
  const caps = ['CAP_AUDIT_WRITE', 'CAP_CHOWN', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: false,
      user: { uid: 0, gid: 0 },
      args: [...args],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', ...env],
      cwd: '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, ambient: caps },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'unik-twin',
    mounts: [
      { destination: '/proc', type: 'proc', source: 'proc' },
      { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
      {
        destination: '/dev/pts',
        type: 'devpts',
        source: 'devpts',
        options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
      },
      { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=65536k'] },
      { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
      { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
      { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'] },
    ],
    linux: {
      ...(cgroupsPath ? { cgroupsPath } : {}),
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'],
    },
  };
}

/**
 * Pure: the bundle's config for a server's run: its network namespace is the one `netnsPath` names (wired to the
 * host by slirp4netns, bench/containers/slirp-network.ts) and its root the bundle's rootfs by absolute path, so
 * the config can live in a directory of its own. Twins running side by side each get a cgroup of their own (`cgroupsPath`).
 */
export function withNetns(spec: Record<string, unknown>, netnsPath: string, rootfs: string, cgroupsPath?: string): Record<string, unknown> {
  const linux = spec.linux as { namespaces: { type: string; path?: string }[] };
  const namespaces = linux.namespaces.map((ns) => (ns.type === 'network' ? { type: 'network', path: netnsPath } : ns));
  return { ...spec, root: { ...(spec.root as object), path: rootfs }, linux: { ...linux, namespaces, ...(cgroupsPath ? { cgroupsPath } : {}) } };
}
