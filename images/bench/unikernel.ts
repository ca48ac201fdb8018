import { failure } from '../../lib/errors.js';
import type { ImageRecord } from '../record.js';
import type { Contender } from './types.js';

/** The contract of `images/run.ts` (`unik run`), which the bench drives for the unikernel side. */
export interface RunResult {
  accel: string;
  machine: string;
  /** First console byte. */
  bootMs: number | null;
  readyMs: number | null;
  exitMs: number;
  exitCode: number;
  output: string;
  image: ImageRecord;
}
export type RunImage = (
  image: ImageRecord,
  opts: { accel?: 'auto' | 'kvm' | 'tcg'; timeoutMs?: number; quiet?: boolean },
) => Promise<RunResult>;

// TODO(merge): images/run.ts is being written on main; once merged, replace this with a static import.
const RUNNER_MODULE = '../run.js';
async function loadRunImage(): Promise<RunImage> {
  try {
    return ((await import(RUNNER_MODULE)) as { runImage: RunImage }).runImage;
  } catch (e) {
    throw failure(`this build of unik cannot boot images yet (images/run.ts is missing: ${(e as Error).message})`);
  }
}

/** The unikernel as one contender: each run boots the image under QEMU once, as `unik run` does. */
export async function unikernelContender(image: ImageRecord, timeoutMs: number): Promise<Contender> {
  const runImage = await loadRunImage();
  const notes: string[] = [];
  return {
    name: 'unikernel',
    kind: 'unikernel',
    imageBytes: image.sizeBytes,
    notes,
    async runOnce() {
      const r = await runImage(image, { accel: 'auto', timeoutMs, quiet: true });
      if (!notes.length) notes.push(`unikernel: QEMU ${r.machine}, accelerator ${r.accel}; first output is the first console byte`);
      if (r.bootMs === null) throw failure(`the unikernel printed nothing (QEMU exit code ${r.exitCode})`, r.output || undefined);
      return { firstOutputMs: r.bootMs, exitMs: r.exitMs, output: r.output };
    },
  };
}
