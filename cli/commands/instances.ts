import { createReadStream, existsSync, readFileSync, statSync, watch } from 'node:fs';
import { findInstance, listInstances, removeInstance, stopInstance, type Instance } from '../../run/instances.js';
import { table } from '../../lib/format.js';
import { printJson, type OutputOptions } from '../output.js';

const ports = (i: Instance) => i.ports.map((p) => `127.0.0.1:${p.host}->${p.guest}/${p.protocol}`).join(',');
/** The `unik ps --json` contract: id, name, image, state, pid, startedAt, exitCode, ports (+ measurements). */
const psView = (i: Instance) => ({
  id: i.id, name: i.name, image: i.image.name, imageId: i.image.id, state: i.state, pid: i.pid, startedAt: i.startedAt,
  exitCode: i.exitCode, how: i.how, ports: i.ports, accel: i.accel, machine: i.machine, bootMs: i.bootMs, readyMs: i.readyMs,
  exitMs: i.exitMs, logPath: i.logPath,
});

export async function psCommand(flags: OutputOptions & { all?: boolean }): Promise<void> {
  const all = listInstances();
  if (flags.json) return printJson(all.map(psView));
  if (!all.length) {
    process.stdout.write('no instances: start one with "unik run DIR --detach"\n');
    return;
  }
  process.stdout.write(
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

export async function logsCommand(ref: string, flags: OutputOptions & { follow?: boolean }): Promise<void> {
  const inst = findInstance(ref);
  if (flags.json) {
    const log = existsSync(inst.logPath) ? readFileSync(inst.logPath, 'utf8') : '';
    return printJson({ id: inst.id, name: inst.name, state: inst.state, log });
  }
  if (!existsSync(inst.logPath)) return;
  let offset = 0;
  const pump = () =>
    new Promise<void>((resolve) => {
      const size = statSync(inst.logPath).size;
      if (size <= offset) return resolve();
      createReadStream(inst.logPath, { start: offset, end: size - 1 })
        .on('data', (c) => process.stdout.write(c))
        .on('end', () => {
          offset = size;
          resolve();
        });
    });
  await pump();
  if (!flags.follow || inst.state === 'exited') return;
  // Follow until the instance exits; fs.watch wakes us on writes, the timer catches the exit.
  const watcher = watch(inst.logPath, () => void pump());
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

export async function stopCommand(ref: string, flags: OutputOptions): Promise<void> {
  const inst = await stopInstance(ref);
  if (flags.json) return printJson(psView(inst));
  process.stdout.write(`${inst.name} ${inst.state === 'exited' ? `stopped (${inst.how})` : 'still running'}\n`);
}

export async function rmCommand(ref: string, flags: OutputOptions & { force?: boolean }): Promise<void> {
  const inst = await removeInstance(ref, !!flags.force);
  if (flags.json) return printJson({ removed: inst.id, name: inst.name });
  process.stdout.write(`removed ${inst.name}\n`);
}
