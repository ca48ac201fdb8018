import { failure } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import { resolveAccel, type AccelChoice } from '../machine/accel.js';
import type { Accel, BootSpec } from '../machine/boot-spec.js';
import { hostHelper } from '../machine/host-helper.js';
import { hostTscKhz } from '../machine/host-tsc.js';
import { probeKvm } from '../machine/kvm-probe.js';
import { targetFor } from '../targets/registry.js';
import type { BootInput } from '../targets/target.js';
import type { ImageRecord } from '../images/record.js';
import { verifyImage } from '../images/store.js';
import { checkReadyUrl } from './ready-url.js';
import { devicesForRun, type RunOverrides } from './run-devices.js';

export interface BootRequest {
  accel?: AccelChoice;
  /** --memory: replaces the image's default before the target decides anything (a tender's --mem too). */
  memoryMiB?: number | undefined;
  overrides?: RunOverrides;
  /** App arguments; default: the manifest's cmdline. */
  args?: string[] | undefined;
  /** --ready-http: polled from the host, so it must be a published port on loopback. */
  readyHttp?: string | null | undefined;
  /** Boot with the guest's ACPI power button where the target has one (unik-runtime's stop). */
  powerButton?: boolean;
}

export interface PreparedBoot {
  spec: BootSpec;
  /** The accelerator QEMU gets; a tender runs the guest itself, shown as 'none'. */
  accel: Accel;
  shownAccel: Accel | 'none';
  /** Why auto did not pick KVM, for the user (null when nothing to say). */
  note: string | null;
  /** The checked --ready-http URL, or null. */
  readyHttp: string | null;
  /** The reaper that spawns the VMM and reports its peak memory (VmOptions.reaper); null without gcc. */
  reaper: string | null;
}

/** Pure: the image as its target sees it at boot. */
export const bootInputOf = (image: ImageRecord, memoryMiB: number, hostTscKhz: number | null, powerButton = false): BootInput => ({
  name: image.name,
  platform: image.platform,
  kernel: image.path,
  files: image.files,
  memoryMiB,
  bootSettings: image.bootSettings ?? {},
  ...(image.run.env ? { env: image.run.env } : {}),
  hostTscKhz,
  ...(powerButton ? { powerButton } : {}),
});

/**
 * Decide everything about one boot, without starting it: devices, memory, the target's boot spec, the
 * accelerator. Foreground runs, detached runs and --dry-run all come through here, so they cannot differ.
 * The image's files are checked against their stored sha256 first: a damaged kernel is named, never booted.
 */
export async function prepareBoot(image: ImageRecord, o: BootRequest): Promise<PreparedBoot> {
  const l = layout();
  const devices = devicesForRun(image, o.overrides ?? {});
  const readyHttp = o.readyHttp ? checkReadyUrl(o.readyHttp, (devices.net?.ports ?? []).filter((p) => p.protocol === 'tcp').map((p) => p.host)) : null;
  await verifyImage(image);
  const [target, tscKhz, reaper] = await Promise.all([targetFor(image.target), hostTscKhz(l), hostHelper(l, 'reap')]);
  const spec = target.boot(bootInputOf(image, o.memoryMiB ?? image.run.memoryMiB, tscKhz, o.powerButton), devices, o.args ?? image.run.cmdline);
  if (spec.kind === 'tender') {
    // A tender runs the image itself: under KVM (hvt), refused up front where KVM does not work, or as a process (spt).
    if (spec.needsKvm) {
      const kvm = await probeKvm(l);
      if (!kvm.usable) throw failure(`${spec.machine} needs usable KVM, and it is not usable here: ${kvm.reason}; rebuild or run with another --platform`);
    }
    return { spec, accel: 'tcg', shownAccel: 'none', note: null, readyHttp, reaper };
  }
  const { accel, note } = await resolveAccel(l, o.accel ?? 'auto');
  return { spec, accel, shownAccel: accel, note, readyHttp, reaper };
}
