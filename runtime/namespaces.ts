/**
 * Pure: the command prefix that puts the container's process into the namespaces config.json names: nsenter joins
 * those given by path (the network namespace podman, docker and CNI prepared), unshare makes the others new. Both
 * exec what follows, so the pid spawned is the container's process itself.
 * - pid and user namespaces are not made: a VMM needs neither, and a new pid namespace would put unshare's fork
 *   between the engine and the process it waits for;
 * - a mount namespace given by path is not joined: the rootfs and the runtime's own files are resolved in the
 *   caller's; a new one is made (nothing is mounted in it).
 */
export function namespaceArgv(namespaces: { type: string; path?: string }[]): string[] {
  const JOIN: Record<string, string> = { network: '--net', ipc: '--ipc', uts: '--uts' };
  const NEW: Record<string, string> = { network: '--net', ipc: '--ipc', uts: '--uts', mount: '--mount' };
  const joins = namespaces.filter((n) => n.path && JOIN[n.type]).map((n) => `${JOIN[n.type]}=${n.path}`);
  const news = namespaces.filter((n) => !n.path && NEW[n.type]).map((n) => NEW[n.type]!);
  return [...(joins.length ? ['nsenter', ...joins, '--'] : []), ...(news.length ? ['unshare', ...news, '--'] : [])];
}

