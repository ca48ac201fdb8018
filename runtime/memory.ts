import { usageError } from '../lib/errors.js';

/**
 * What a container's cgroup holds besides the guest's RAM: the monitor (node: 43 MiB resident, measured under
 * podman) and the VMM's own memory (QEMU's code, TCG's translation buffer, device state: hello-unikraft's QEMU peaks
 * at 48.9 MiB resident for an 8 MiB guest, `unik run`). Each rounded up to 64 MiB: the kernel's OOM killer must
 * never meet a guest that fits its limit on paper.
 */
export const MONITOR_MIB = 64;
export const VMM_OVERHEAD_MIB = 64;
const MiB = 1024 * 1024;

/**
 * Pure: the guest memory for a container: the image's own size, which linux.resources.memory.limit must hold
 * together with the overhead. A smaller limit is an error naming both numbers (a guest cut below its size would
 * fail to boot, or be killed by the kernel's OOM killer half-way).
 */
export function guestMemoryMiB(imageMiB: number, limitBytes: number | undefined | null, name: string): number {
  if (limitBytes === undefined || limitBytes === null || limitBytes <= 0) return imageMiB;
  const need = imageMiB + MONITOR_MIB + VMM_OVERHEAD_MIB;
  const limitMiB = Math.floor(limitBytes / MiB);
  if (limitMiB < need) {
    throw usageError(
      `linux.resources.memory.limit: expected at least ${need} MiB for ${name} (${imageMiB} MiB of guest memory + ${MONITOR_MIB + VMM_OVERHEAD_MIB} MiB for the VMM and its monitor), found ${limitMiB} MiB`,
    );
  }
  return imageMiB;
}
