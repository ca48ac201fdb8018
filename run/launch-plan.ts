import { join } from 'node:path';
import type { Layout } from '../lib/home.js';
import type { BootSpec } from '../machine/boot-spec.js';
import type { ImageRecord } from '../images/record.js';

/**
 * Pure: the files whose state decided this boot, when the VMM it starts may be started early next time
 * (lib/early-start.ts); null when it may not. Only a guest that touches nothing on the host may start before the
 * CLI has decided anything: no network (ports to bind, traffic; so no --ready-http either), no writable disks or
 * shares, no QMP socket (read-only disks, like an OSv root filesystem, are fine). Such a guest started in vain and
 * killed leaves nothing behind. Never a run with console input (-i) or a snapshot: the launcher starts neither.
 */
export function launchPlanInputs(l: Layout, image: ImageRecord, spec: BootSpec, reaper: string | null, run: { interactive: boolean; snapshot: boolean }): string[] | null {
  const d = spec.devices;
  if (!reaper || run.interactive || run.snapshot || d.net || d.block.length || d.share.length) return null;
  if (spec.kind === 'qemu' && (spec.disks.some((disk) => !disk.readOnly) || spec.qmp)) return null;
  return [
    // The store's directory changes when an image is added or removed: a name may then mean another image.
    l.images,
    join(l.images, image.id, 'record.json'),
    image.path,
    ...Object.values(image.files),
    ...(spec.kind === 'qemu' ? [...spec.disks.map((disk) => disk.file), ...(spec.initrd ? [spec.initrd] : [])] : []),
    reaper,
  ];
}
