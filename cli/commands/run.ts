import { usageError } from '../../lib/errors.js';
import type { Platform } from '../../manifest/manifest.js';
import type { AccelChoice } from '../../machine/accel.js';
import { dryRun, runImage, type RunResult } from '../../run/foreground.js';
import type { SnapshotOutcome } from '../../run/snapshot.js';
import { parseDuration, parseMemory } from '../../lib/units.js';
import { endProgress, note, printJson, progressSink, stdoutStream } from '../output.js';
import { checkReadyUrl } from '../../run/ready-url.js';
import { registryOptions, type RegistryFlags } from '../registry-flags.js';
import { imageFromArg, isAppDir } from '../resolve-image.js';
import { SHARED_STATE_NOTE } from '../../run/snapshot-note.js';

export interface RunFlags extends RegistryFlags {
  accel: string;
  platform?: Platform;
  memory?: string;
  publish: string[];
  volume: string[];
  disk?: string;
  timeout?: string;
  detach?: boolean;
  name?: string;
  readyHttp?: string;
  stopWhenReady?: boolean;
  snapshot?: boolean;
  dryRun?: boolean;
  remeasureFloor?: boolean;
  /** docker's --rm: a detached instance's record goes when it exits (a foreground run leaves none anyway). */
  rm?: boolean;
  /** docker's -i: stdin goes to the guest's serial console. -t is accepted: the console is already the terminal. */
  interactive?: boolean;
  tty?: boolean;
  json?: boolean;
}

export function checkAccel(s: string): AccelChoice {
  if (s !== 'auto' && s !== 'kvm' && s !== 'tcg') throw usageError(`--accel: expected auto, kvm or tcg, found ${JSON.stringify(s)}`);
  return s;
}

type Summarised = Pick<RunResult, 'bootMs' | 'kernelBootedMs' | 'readyMs' | 'exitMs' | 'exitCode' | 'accel' | 'how' | 'peakRssKiB' | 'floor' | 'vsFloor' | 'noRatio'>;

/** Stderr lines a person reads: the times, then memory and the VMM floor; the same numbers go to --json. */
export function summaryLine(r: Summarised): string {
  const ms = (n: number | null) => (n === null ? '–' : `${Math.round(n)} ms`);
  // Only targets whose kernel announces the end of its boot (OSv) have this figure.
  const kernel = r.kernelBootedMs !== undefined ? ` · kernel booted in ${ms(r.kernelBootedMs)}` : '';
  // A Solo5 tender runs the guest itself: there is no VMM (and no accelerator) to name.
  const accel = r.accel === 'none' ? 'no VMM' : r.accel;
  const times = `first output in ${ms(r.bootMs)}${kernel} · ready in ${ms(r.readyMs)} · exited in ${ms(r.exitMs)} (code ${r.exitCode}, ${accel}; ${r.how})`;
  const extra = [
    ...(r.peakRssKiB !== null ? [`peak RSS ${(r.peakRssKiB / 1024).toFixed(1)} MiB`] : []),
    ...(r.floor ? [`VMM floor ${ms(r.floor.exitMs)} (QEMU -M ${r.floor.machine} -accel ${r.floor.accel}, a guest that exits at once): ${r.vsFloor !== null ? `exit = ${r.vsFloor}× the floor` : r.noRatio}`] : []),
  ];
  return extra.length ? `${times}\n${extra.join(' · ')}` : times;
}

/** One stderr line on what --snapshot did. */
export function snapshotLine(s: SnapshotOutcome): string {
  const size = s.sizeBytes !== null ? ` (${(s.sizeBytes / 1024).toFixed(0)} KiB)` : '';
  if (s.action === 'saved') return `snapshot ${s.key} saved${size} in ${Math.round(s.ms ?? 0)} ms: the next --snapshot run continues from ready${s.why ? ` (${s.why})` : ''}`;
  if (s.action === 'restored') return `snapshot ${s.key} restored${size}: the guest ran again ${Math.round(s.ms ?? 0)} ms after spawn`;
  return `snapshot ${s.key} ${s.action === 'not-saved' ? 'not saved' : 'not restored'}: ${s.why}`;
}

export async function runCommand(target: string, args: string[], flags: RunFlags): Promise<void> {
  const accel = checkAccel(flags.accel);
  if (flags.interactive && flags.detach) throw usageError('-i: an interactive console needs the foreground; drop --detach (unik logs -f follows a detached one)');
  const memoryMiB = flags.memory ? parseMemory('--memory', flags.memory) : undefined;
  const timeoutMs = flags.timeout ? parseDuration('--timeout', flags.timeout) : undefined;
  // Checked before anything is built; the port is checked against the run's published ones later.
  if (flags.readyHttp) checkReadyUrl(flags.readyHttp);
  let image;
  try {
    image = await imageFromArg(target, progressSink(flags), flags.platform, registryOptions(flags));
  } finally {
    endProgress(flags);
  }
  const overrides = { ports: flags.publish, volumes: flags.volume, ...(flags.disk ? { disk: flags.disk } : {}) };
  const appArgs = args.length ? args : undefined;

  if (flags.dryRun) {
    const plan = await dryRun(image, { accel, ...(memoryMiB ? { memoryMiB } : {}), overrides, readyHttp: flags.readyHttp ?? null, ...(appArgs ? { args: appArgs } : {}) });
    if (flags.json) return printJson(plan);
    stdoutStream().write(plan.argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ') + '\n');
    return;
  }

  if (flags.detach) {
    const { startDetached } = await import('../../run/instances.js');
    const inst = await startDetached(image, { accel, memoryMiB, overrides, args: appArgs, readyHttp: flags.readyHttp ?? null, name: flags.name, autoRemove: !!flags.rm, onAccelNote: note, ...(flags.snapshot ? { snapshot: true } : {}) });
    if (inst.snapshotMode === 'restore') note(SHARED_STATE_NOTE);
    if (flags.json) return printJson(inst);
    stdoutStream().write(`${inst.name}\n`);
    process.stderr.write(`started ${inst.name} (${inst.id}) · pid ${inst.pid} · ${inst.accel === 'none' ? 'no VMM' : inst.accel}` +
      `${inst.readyMs !== null ? ` · ready in ${Math.round(inst.readyMs)} ms` : ''}` +
      `${inst.ports.length ? ` · ports ${inst.ports.map((p) => `127.0.0.1:${p.host}->${p.guest}/${p.protocol}`).join(', ')}` : ''}` +
      `${inst.state === 'exited' ? ` · already exited (${inst.exitCode})` : ''}\n`);
    return;
  }

  const res = await runImage(image, {
    accel,
    ...(memoryMiB ? { memoryMiB } : {}),
    ...(timeoutMs ? { timeoutMs } : {}),
    // With --json, stdout carries only the JSON object; the console goes to stderr.
    console: flags.json ? process.stderr : stdoutStream(),
    readyHttp: flags.readyHttp ?? null,
    stopWhenReady: !!flags.stopWhenReady,
    interactive: !!flags.interactive,
    overrides,
    ...(appArgs ? { args: appArgs } : {}),
    onAccelNote: note,
    floor: flags.remeasureFloor ? 'fresh' : 'cached',
    // Not for an app directory: its image is the build's answer, which the launcher cannot know before building.
    rememberLaunch: !isAppDir(target),
    ...(flags.snapshot ? { snapshot: true, onSnapshot: (mode: 'save' | 'restore') => note(mode === 'restore' ? SHARED_STATE_NOTE : 'no snapshot for this boot yet: booting, and saving the guest once ready') } : {}),
  });
  if (res.stderrTail && res.exitCode !== 0) process.stderr.write(`${res.stderrTail.replace(/^/gm, '  qemu| ')}\n`);
  process.stderr.write(`${summaryLine(res)}\n`);
  if (res.snapshot) process.stderr.write(`${snapshotLine(res.snapshot)}\n`);
  if (flags.json) {
    const { output: _output, stderrTail: _tail, noRatio: _noRatio, snapshotStep: _step, floor, ...rest } = res;
    printJson({
      ...rest,
      floor: floor && { machine: floor.machine, accel: floor.accel, memoryMiB: floor.memoryMiB, exitMs: floor.exitMs, firstOutputMs: floor.firstOutputMs, peakRssKiB: floor.peakRssKiB, runs: floor.runs, measuredAt: floor.measuredAt },
      image: { id: image.id, name: image.name, target: image.target, platform: image.platform, path: image.path },
    });
  }
  process.exitCode = res.exitCode;
}
