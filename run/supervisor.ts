#!/usr/bin/env node
/**
 * The detached owner of one background guest: starts QEMU, writes its console to the instance's log,
 * records pid, measurements and the exit. SIGTERM (unik stop) makes it stop QEMU; if this process dies,
 * QEMU dies with it (parent-death signal), so no guest outlives its record.
 */
import { createWriteStream, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { identify, resolvedExe } from '../lib/pid.js';
import { which } from '../lib/which.js';
import { layout } from '../lib/home.js';
import { readyRegExp } from '../lib/ready-pattern.js';
import { hostHelper } from '../machine/host-helper.js';
import { findImage } from '../images/store.js';
import { HANDED_OVER, readInstance, writeInstance } from './instances.js';
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
// --snapshot: the image's snapshot for this boot is restored, or saved once ready (run/snapshot.ts).
const snap = inst.snapshot && inst.spec.kind === 'qemu'
  ? await (await import('./snapshot.js')).snapshotRun(findImage(layout(), inst.image.id), inst.spec, accel, inst.readyHttp)
  : null;
if (snap) await update({ snapshotMode: snap.vm.mode });
try {
  const m = await runVm(inst.spec, {
    accel,
    reaper: await hostHelper(layout(), 'reap'),
    onOutput: (c) => log.write(c),
    // `unik logs` shows why a guest could not start (QEMU's own errors) beside its console.
    onStderr: (text) => log.write(text),
    onBoot: (ms) => void update({ bootMs: ms }),
    ready: inst.ready ? readyRegExp(inst.ready, inst.image.name) : null,
    readyHttp: inst.readyHttp,
    onStart: (pid) => void update({ state: 'running', pid, vmm: identify(pid, vmmExe) }),
    onReady: (ms) => void update({ readyMs: ms }),
    ...(snap ? { snapshot: snap.vm } : {}),
  });
  if (snap) await update({ snapshotResult: await snap.finish(m) });
  await update({
    state: 'exited', exitedAt: new Date().toISOString(), exitCode: broken.error ? 1 : m.exitCode,
    how: broken.error ? `stopped: cannot write its console log ${inst.logPath} (${broken.error.code ?? broken.error.message})` : m.how,
    bootMs: m.bootMs, readyMs: m.readyMs ?? inst.readyMs, exitMs: m.exitMs, stderrTail: m.stderrTail || null,
  });
} catch (e) {
  snap?.abort();
  await update({ state: 'exited', exitedAt: new Date().toISOString(), exitCode: 1, how: `could not start: ${(e as Error).message}` });
}
if (!broken.error) await new Promise<void>((r) => log.end(() => r()));
// run --rm: gone once exited, as soon as `run -d` has read its start (see handOver).
if (inst.autoRemove && existsSync(join(dir, HANDED_OVER))) rmSync(dir, { recursive: true, force: true });
