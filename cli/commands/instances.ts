import { existsSync, statSync, watch } from 'node:fs';
import { findInstance, listInstances, removeInstance, stopInstance, type Instance } from '../../run/instances.js';
import { table } from '../../lib/format.js';
import { copyRange, tailOffset, writeJsonString } from '../../lib/stream-file.js';
import { parseCount } from '../../lib/units.js';
import { forEachRef } from '../each-ref.js';
import { printJson, type OutputOptions, stdoutStream } from '../output.js';

const ports = (i: Instance) => i.ports.map((p) => `127.0.0.1:${p.host}->${p.guest}/${p.protocol}`).join(',');
/** The `unik ps --json` contract: id, name, image, state, pid, startedAt, exitCode, ports (+ measurements). */
const psView = (i: Instance) => ({
  id: i.id, name: i.name, image: i.image.name, imageId: i.image.id, state: i.state, pid: i.pid, startedAt: i.startedAt,
  exitCode: i.exitCode, how: i.how, ports: i.ports, accel: i.accel, machine: i.machine, bootMs: i.bootMs, readyMs: i.readyMs,
  exitMs: i.exitMs, logPath: i.logPath,
  ...(i.snapshot ? { snapshot: i.snapshotResult ?? null } : {}),
});

/** docker's ps: running instances; -a adds the exited ones, -q prints only their ids. */
export async function psCommand(flags: OutputOptions & { all?: boolean; quiet?: boolean }): Promise<void> {
  const every = listInstances();
  const all = flags.all ? every : every.filter((i) => i.state !== 'exited');
  if (flags.json) return printJson(all.map(psView));
  if (flags.quiet) {
    stdoutStream().write(all.map((i) => `${i.id}\n`).join(''));
    return;
  }
  if (!all.length) {
    const exited = every.length - all.length;
    stdoutStream().write(exited ? `no running instances (${exited} exited: "unik ps -a" lists them)\n` : 'no instances: start one with "unik run DIR --detach"\n');
    return;
  }
  stdoutStream().write(
    table(
      ['ID', 'NAME', 'IMAGE', 'STATE', 'PID', 'STARTED', 'PORTS'],
      all.map((i) => [
        i.id, i.name, i.image.name,
        i.state === 'exited' ? `exited (${i.exitCode ?? '?'})` : i.state,
        i.pid ? String(i.pid) : '-',
        i.startedAt.replace('T', ' ').slice(0, 19),
        ports(i),
      ]),
    ),
  );
}

export async function logsCommand(ref: string, flags: OutputOptions & { follow?: boolean; tail?: string }): Promise<void> {
  const inst = findInstance(ref);
  const tail = flags.tail === undefined ? null : parseCount('--tail', flags.tail, 0, 1e9);
  const path = inst.logPath;
  const exists = existsSync(path);
  let offset = exists && tail !== null ? await tailOffset(path, tail) : 0;
  if (flags.json) {
    const head = JSON.stringify({ id: inst.id, name: inst.name, state: inst.state }, null, 2).slice(0, -2);
    stdoutStream().write(`${head},\n  "log": `);
    if (exists) await writeJsonString(path, stdoutStream(), offset);
    else stdoutStream().write('""');
    stdoutStream().write('\n}\n');
    return;
  }
  if (!exists) return;
  // One copy at a time: a write wakes the watcher while the previous copy may still run.
  let chain = Promise.resolve();
  const pump = () =>
    (chain = chain.then(async () => {
      const size = statSync(path).size;
      await copyRange(path, stdoutStream(), offset, size);
      offset = Math.max(offset, size);
    }));
  await pump();
  if (!flags.follow || inst.state === 'exited') return;
  // Follow until the instance exits; fs.watch wakes us on writes, the timer catches the exit.
  const watcher = watch(path, () => void pump());
  await new Promise<void>((resolve) => {
    const t = setInterval(() => {
      if (findInstance(inst.id).state === 'exited') {
        clearInterval(t);
        void pump().then(resolve);
      }
    }, 200);
  });
  watcher.close();
}

export async function stopCommand(refs: string[], flags: OutputOptions): Promise<void> {
  await forEachRef(refs, !!flags.json, async (ref) => psView(await stopInstance(ref)), (i) => `${i.name} ${i.state === 'exited' ? `stopped (${i.how})` : 'still running'}`);
}

export async function rmCommand(refs: string[], flags: OutputOptions & { force?: boolean }): Promise<void> {
  await forEachRef(refs, !!flags.json, async (ref) => {
    const inst = await removeInstance(ref, !!flags.force);
    return { removed: inst.id, name: inst.name };
  }, (r) => `removed ${r.name}`);
}
