#!/usr/bin/env node
/**
 * The detached owner of one background guest: starts QEMU, writes its console to the instance's log,
 * records pid, measurements and the exit. SIGTERM (unik stop) makes it stop QEMU; if this process dies,
 * QEMU dies with it (parent-death signal), so no guest outlives its record.
 */
import { createWriteStream } from 'node:fs';
import { layout } from '../lib/home.js';
import { hostHelper } from '../machine/host-helper.js';
import { readInstance, writeInstance } from './instances.js';
import { runVm } from '../machine/vm-process.js';

const dir = process.argv[2]!;
const inst = readInstance(dir);
const log = createWriteStream(inst.logPath, { flags: 'a' });
let chain = Promise.resolve();
/** Record updates are serialised so a late one never overwrites the exit. */
const update = (patch: Partial<typeof inst>) => {
  Object.assign(inst, patch);
  chain = chain.then(() => writeInstance(dir, inst));
  return chain;
};

await update({ supervisorPid: process.pid });
try {
  const m = await runVm(inst.spec, {
    accel: inst.accel as 'kvm' | 'tcg',
    reaper: await hostHelper(layout(), 'reap'),
    onOutput: (c) => log.write(c),
    onBoot: (ms) => void update({ bootMs: ms }),
    ready: inst.ready ? new RegExp(inst.ready) : null,
    readyHttp: inst.readyHttp,
    onStart: (pid) => void update({ state: 'running', pid }),
    onReady: (ms) => void update({ readyMs: ms }),
  });
  await update({
    state: 'exited', exitedAt: new Date().toISOString(), exitCode: m.exitCode, how: m.how,
    bootMs: m.bootMs, readyMs: m.readyMs ?? inst.readyMs, exitMs: m.exitMs, stderrTail: m.stderrTail || null,
  });
} catch (e) {
  await update({ state: 'exited', exitedAt: new Date().toISOString(), exitCode: 1, how: `could not start: ${(e as Error).message}` });
}
await new Promise<void>((r) => log.end(() => r()));
