#!/usr/bin/env node
/**
 * The detached owner of one background guest: starts QEMU, writes its console to the instance's log,
 * records pid, measurements and the exit. SIGTERM (unik stop) makes it stop QEMU; if this process dies,
 * QEMU dies with it (parent-death signal), so no guest outlives its record.
 */
import { createWriteStream } from 'node:fs';
import { identify, resolvedExe } from '../lib/pid.js';
import { which } from '../lib/which.js';
import { layout } from '../lib/home.js';
import { readyRegExp } from '../lib/ready-pattern.js';
import { hostHelper } from '../machine/host-helper.js';
import { readInstance, writeInstance } from './instances.js';
import { runVm, vmArgv } from '../machine/vm-process.js';

const dir = process.argv[2]!;
const inst = readInstance(dir);
const accel = inst.accel as 'kvm' | 'tcg';
const log = createWriteStream(inst.logPath, { flags: 'a' });
let chain = Promise.resolve();
/** Record updates are serialised so a late one never overwrites the exit. */
const update = (patch: Partial<typeof inst>) => {
  Object.assign(inst, patch);
  chain = chain.then(() => writeInstance(dir, inst));
  return chain;
};
/** The executable the VMM's pid will show once setpriv has exec'd it: part of the VMM's recorded identity. */
const vmmFile = vmArgv(inst.spec, accel)[0];
const vmmExe = resolvedExe(which(vmmFile) ?? vmmFile);

await update({ supervisorPid: process.pid, supervisor: identify(process.pid) });
// A console log that cannot be written (a full disk) stops the guest, as `unik stop` would, and says why.
const broken: { error?: NodeJS.ErrnoException } = {};
log.on('error', (e) => {
  broken.error ??= e;
  process.kill(process.pid, 'SIGTERM');
});
try {
  const m = await runVm(inst.spec, {
    accel,
    reaper: await hostHelper(layout(), 'reap'),
    onOutput: (c) => log.write(c),
    onBoot: (ms) => void update({ bootMs: ms }),
    ready: inst.ready ? readyRegExp(inst.ready, inst.image.name) : null,
    readyHttp: inst.readyHttp,
    onStart: (pid) => void update({ state: 'running', pid, vmm: identify(pid, vmmExe) }),
    onReady: (ms) => void update({ readyMs: ms }),
  });
  await update({
    state: 'exited', exitedAt: new Date().toISOString(), exitCode: broken.error ? 1 : m.exitCode,
    how: broken.error ? `stopped: cannot write its console log ${inst.logPath} (${broken.error.code ?? broken.error.message})` : m.how,
    bootMs: m.bootMs, readyMs: m.readyMs ?? inst.readyMs, exitMs: m.exitMs, stderrTail: m.stderrTail || null,
  });
} catch (e) {
  await update({ state: 'exited', exitedAt: new Date().toISOString(), exitCode: 1, how: `could not start: ${(e as Error).message}` });
}
if (!broken.error) await new Promise<void>((r) => log.end(() => r()));
