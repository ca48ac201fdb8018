import { execa } from 'execa';
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { failure } from '../lib/errors.js';
import { parseDefaultRoute, parseLinks, tapCommands, undoCommands, type NetnsView, type TapNetwork } from './guest-network.js';

/** Whether two paths name the same namespace (nsfs gives each namespace one inode). */
export function sameNs(a: string, b: string): boolean {
  try {
    const [x, y] = [statSync(a), statSync(b)];
    return x.dev === y.dev && x.ino === y.ino;
  } catch {
    return false; // one that cannot be read (init's, in some sandboxes) is not compared
  }
}

/** One iproute2 command inside a network namespace (a path: /proc/PID/ns/net, or the engine's /run/netns/…). */
const inNetns = (netns: string, argv: string[]) => execa('nsenter', [`--net=${netns}`, '--', ...argv], { reject: false, stdin: 'ignore', timeout: 10_000 });

/**
 * The names of the other processes in the netns that process `pid` is in (/proc scanned for the same ns link):
 * argv[0]'s base name, as a re-executed helper names itself (rootlessport-child's comm is its binary's, "exe").
 */
function neighbours(pid: number): string[] {
  const ns = readlinkSync(`/proc/${pid}/ns/net`);
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p) && Number(p) !== pid)
    .flatMap((p) => {
      try {
        return readlinkSync(`/proc/${p}/ns/net`) === ns ? [basename(readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0')[0]!)] : [];
      } catch {
        return []; // gone, or not ours to read
      }
    });
}

/** The netns of process `pid` (the container's monitor): its links and default route as `ip -j` shows them, its other processes. */
export async function readNetns(pid: number): Promise<NetnsView> {
  const netns = `/proc/${pid}/ns/net`;
  const [addr, route] = await Promise.all([inNetns(netns, ['ip', '-j', 'addr', 'show']), inNetns(netns, ['ip', '-j', '-4', 'route', 'show', 'default'])]);
  for (const r of [addr, route]) {
    if (r.exitCode !== 0) throw failure(`cannot read the container's network namespace (${r.command}): ${String(r.stderr).trim() || r.shortMessage}`);
  }
  return { links: parseLinks(String(addr.stdout) || '[]'), defaultRoute: parseDefaultRoute(String(route.stdout) || '[]'), processes: neighbours(pid) };
}

/** Run commands in the netns, best effort (the netns may be gone already). */
const runAll = async (netns: string, commands: string[][]): Promise<void> => {
  for (const argv of commands) await inNetns(netns, argv);
};

/** Give the link back: the tap and the link's ingress qdisc go. */
export const unplugTap = (netns: string, t: Pick<TapNetwork, 'link' | 'tap' | 'mtu'>): Promise<void> => runAll(netns, undoCommands(tapCommands(t)));

/** Make the tap and the mirroring in the netns; on a failure what was made is taken back and the step named. */
export async function plugTap(netns: string, t: TapNetwork): Promise<void> {
  // Never the host's network: the decision already excludes it; this is the last line before a qdisc is added.
  if (sameNs(netns, '/proc/self/ns/net') || sameNs(netns, '/proc/1/ns/net')) throw failure(`refusing to connect a guest in the host's network namespace (${netns})`);
  const done: string[][] = [];
  for (const argv of tapCommands(t)) {
    const r = await inNetns(netns, argv);
    if (r.exitCode !== 0) {
      await runAll(netns, undoCommands(done));
      throw failure(`cannot connect the guest to the container's ${t.link} (${argv.join(' ')}): ${String(r.stderr).trim()}`);
    }
    done.push(argv);
  }
}
