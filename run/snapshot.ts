import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { usageError } from '../lib/errors.js';
import { isAlive } from '../lib/pid.js';
import { runStep } from '../lib/steps.js';
import type { Accel, BootSpec, QemuBootSpec } from '../machine/boot-spec.js';
import { qemuArgv } from '../machine/qemu-argv.js';
import { qemuBinaryStamp, qemuVersion } from '../machine/qemu-binary.js';
import type { Measured } from '../machine/vm-process.js';
import type { VmSnapshot } from '../machine/vm-snapshot.js';
import type { ImageRecord } from '../images/record.js';
import { findSnapshot, putSnapshot, removeSnapshot, snapshotKey, snapshotTemp, type SnapshotRecord } from '../images/snapshots.js';

/** What a --snapshot run did with the image's snapshot, reported with the run. */
export interface SnapshotOutcome {
  key: string;
  /** saved: booted and saved once ready; restored: continued from the saved state; not-saved / not-restored: see why (saved: what it replaced). */
  action: 'saved' | 'restored' | 'not-saved' | 'not-restored';
  path: string | null;
  sizeBytes: number | null;
  /** save: ms from stop to running again; restore: ms from spawn to the guest running again. */
  ms: number | null;
  why: string | null;
}

/**
 * Pure: the argv a snapshot depends on. Host ports and the host paths of disks and shares are attached fresh on
 * every restore (blanked here); machine, CPU, memory, kernel, command line, fw_cfg and the device list stay.
 */
export function snapshotShape(spec: QemuBootSpec, accel: Accel): string[] {
  const d = spec.devices;
  return qemuArgv(
    {
      ...spec,
      devices: {
        ...d,
        net: d.net && { ...d.net, ports: d.net.ports.map((p) => ({ ...p, host: 0 })) },
        block: d.block.map((b) => ({ ...b, file: '' })),
        share: d.share.map((s) => ({ ...s, source: '' })),
      },
    },
    accel,
  );
}

export interface SnapshotRun {
  vm: VmSnapshot;
  /** After the VMM exited: store the save (or drop a snapshot that would not restore) and say what happened. */
  finish(m: Measured): Promise<SnapshotOutcome>;
  /** The VMM could not be started: nothing is stored, nothing left behind. */
  abort(): void;
}

/**
 * Decide a --snapshot run (saved once ready, so the image needs a ready marker or --ready-http): restore the image's snapshot for this exact boot if one is stored and intact,
 * otherwise boot and save one. Tenders (spt, hvt) run guests without QEMU and cannot save them.
 */
/** The boot's QEMU spec; refused in one line when it cannot be saved: a tender's, or one with no moment to save at. */
export function snapshottable(image: ImageRecord, spec: BootSpec, readyHttp: string | null): QemuBootSpec {
  if (spec.kind !== 'qemu') throw usageError(`--snapshot: expected an image QEMU boots, found ${image.name} on ${spec.machine} (a Solo5 tender cannot save a guest; build for --platform virtio)`);
  if (!image.run.ready && !readyHttp) throw usageError(`--snapshot: expected a moment to save at, a ready marker (ready: in unik.yaml) or --ready-http URL, found ${image.name} with neither`);
  return spec;
}

export async function snapshotRun(image: ImageRecord, boot: BootSpec, accel: Accel, readyHttp: string | null): Promise<SnapshotRun> {
  const argvShape = snapshotShape(snapshottable(image, boot, readyHttp), accel);
  const key = await snapshotKey(image.id, qemuBinaryStamp(), argvShape);
  const { snapshot, problem } = await findSnapshot(image, key);
  const sockDir = mkdtempSync(join(tmpdir(), 'unik-qmp-'));
  const qmpSocket = join(sockDir, 'qmp.sock');
  const done = () => rmSync(sockDir, { recursive: true, force: true });
  if (snapshot) return restoring(image, snapshot, qmpSocket, done, !!readyHttp);
  const tmp = await snapshotTemp(image, key);
  // The running guest's RAM: in memory (tmpfs) where there is one, like QEMU's own; gone with the run, and with
  // the next save when the run that made it was killed outright (its pid is in the name).
  const shm = existsSync('/dev/shm') ? '/dev/shm' : tmpdir();
  sweepOrphanRam(shm);
  const ramDir = mkdtempSync(join(shm, `unik-ram-${process.pid}-`));
  const live = join(ramDir, 'ram');
  const drop = () => {
    done();
    rmSync(ramDir, { recursive: true, force: true });
    rmSync(tmp.state, { force: true });
    rmSync(tmp.ram, { force: true });
  };
  return {
    // Copied while the guest is stopped for the save; holes stay holes (pages the guest never touched, or zeroed).
    vm: { mode: 'save', file: tmp.state, qmpSocket, ram: live, keepRam: async () => void (await runStep('copying the guest RAM (cp --sparse)', 'cp', ['--sparse=always', live, tmp.ram])) },
    abort: drop,
    async finish(m) {
      done();
      rmSync(ramDir, { recursive: true, force: true });
      const s = m.snapshotStep;
      const why = !s
        ? 'the guest was never ready (no ready marker matched, no --ready-http answer)'
        : s.vmmGone
          ? `the guest ended (${m.how}) before its state could be saved: a snapshot needs a guest that keeps running after it is ready`
          : s.error && `QEMU could not save it: ${s.error}`;
      const base = { key, ms: s?.ms ?? null };
      if (why) {
        drop();
        return { ...base, action: 'not-saved', path: null, sizeBytes: null, why: problem ? `${why}; the stored one was unusable: ${problem}` : why };
      }
      const rec = await putSnapshot(image, key, tmp, { qemuVersion: await qemuVersion(), argvShape, saveMs: s!.ms });
      return { ...base, action: 'saved', path: rec.path, sizeBytes: rec.sizeBytes, why: problem && `it replaces an unusable one: ${problem}` };
    },
  };
}

/** Remove the RAM directories of saving runs that no longer exist (SIGKILL leaves them; nothing else does). */
function sweepOrphanRam(dir: string): void {
  for (const name of readdirSync(dir)) {
    const pid = /^unik-ram-(\d+)-/.exec(name)?.[1];
    if (pid && !isAlive(Number(pid))) rmSync(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Pure: what a restore came to. `refused`: QEMU never ran the saved guest (it rejected the state). `never-ready`:
 * it ran, but the readiness the run waits for (--ready-http) never came before --timeout: such a save holds a guest
 * that does not serve after a restore (seen once in the test suite, cause not established), and every later
 * restore would wait the same way. A run stopped otherwise (Ctrl-C, a bench ending it) says nothing of the save.
 */
export function restoreVerdict(m: Pick<Measured, 'snapshotStep' | 'readyMs' | 'timedOut'>, waitsForReady: boolean): 'restored' | 'refused' | 'never-ready' {
  if (m.snapshotStep?.ms == null) return 'refused';
  return waitsForReady && m.readyMs === null && m.timedOut ? 'never-ready' : 'restored';
}

function restoring(image: ImageRecord, rec: SnapshotRecord, qmpSocket: string, done: () => void, waitsForReady: boolean): SnapshotRun {
  const fd = openSync(rec.path, 'r');
  return {
    vm: { mode: 'restore', fd, qmpSocket, ram: rec.ram.path },
    abort() {
      closeSync(fd);
      done();
    },
    async finish(m) {
      closeSync(fd);
      done();
      const base = { key: rec.key, path: rec.path, sizeBytes: rec.sizeBytes };
      const verdict = restoreVerdict(m, waitsForReady);
      if (verdict === 'restored') return { ...base, action: 'restored', ms: m.snapshotStep!.ms, why: null };
      // Dropped either way, so the next run boots and saves a fresh one instead of failing the same way.
      await removeSnapshot(image, rec.key);
      if (verdict === 'never-ready') {
        return { ...base, action: 'not-restored', ms: m.snapshotStep!.ms, why: 'the restored guest ran but never answered --ready-http before --timeout; removed, the next --snapshot run boots and saves anew' };
      }
      const why = m.stderrTail.split('\n').filter(Boolean).slice(-2).join('; ') || m.how;
      return { ...base, action: 'not-restored', ms: null, why: `QEMU could not load it (${why}); removed, the next --snapshot run boots and saves anew` };
    },
  };
}
