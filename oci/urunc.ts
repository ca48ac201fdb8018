import type { ImageRecord } from '../images/record.js';

/**
 * What urunc (github.com/urunc-dev/urunc, docs/package/index.md and pkg/unikontainers/config.go) reads to
 * run an image: annotations named com.urunc.unikernel.*, or the same keys in /urunc.json with base64 values.
 */
export const URUNC = {
  type: 'com.urunc.unikernel.unikernelType',
  version: 'com.urunc.unikernel.unikernelVersion',
  binary: 'com.urunc.unikernel.binary',
  cmdline: 'com.urunc.unikernel.cmdline',
  hypervisor: 'com.urunc.unikernel.hypervisor',
} as const;

/** Where the kernel sits in the package's root filesystem (urunc's `binary`); other files sit under FILES_DIR. */
export const KERNEL_PATH = 'unik/kernel';
export const FILES_DIR = 'unik/files';
/** The image record ({format, record}, as the config's dev.unik.image label): what unik-runtime boots from. */
export const RECORD_PATH = 'unik/record.json';
export const URUNC_JSON = 'urunc.json';

/**
 * Pure: the guest/monitor pair urunc would use for this image, or null where urunc has none. urunc pairs
 * unikraft with qemu, and mirage with qemu (Solo5 virtio), spt or hvt; OSv is not a urunc unikernel type.
 */
export function uruncPair(image: Pick<ImageRecord, 'target' | 'platform'>): { type: string; hypervisor: string } | null {
  if (image.target === 'unikraft' && image.platform === 'qemu/x86_64') return { type: 'unikraft', hypervisor: 'qemu' };
  if (image.target === 'mirage') return { type: 'mirage', hypervisor: image.platform === 'virtio' ? 'qemu' : image.platform };
  return null;
}

/**
 * Pure: urunc's annotations for an image, or {} where urunc has no type for it. cmdline is the app's argv
 * joined by spaces (urunc splits it again). urunc's block/blkMntPoint are never set: they name a root-filesystem
 * image urunc mounts in the guest, and unik's disks are the app's raw devices, which stay out of the package.
 */
export function uruncAnnotations(image: Pick<ImageRecord, 'target' | 'platform' | 'frameworkVersion' | 'run'>): Record<string, string> {
  const pair = uruncPair(image);
  if (!pair) return {};
  return {
    [URUNC.type]: pair.type,
    [URUNC.hypervisor]: pair.hypervisor,
    [URUNC.binary]: `/${KERNEL_PATH}`,
    [URUNC.cmdline]: image.run.cmdline.join(' '),
    [URUNC.version]: image.frameworkVersion ?? '',
  };
}

/** Pure: /urunc.json: the same keys with base64 values (urunc decodes every value with base64.StdEncoding). */
export function uruncJson(annotations: Record<string, string>): string {
  const encoded = Object.fromEntries(Object.keys(annotations).sort().map((k) => [k, Buffer.from(annotations[k]!, 'utf8').toString('base64')]));
  return JSON.stringify(encoded, null, 2) + '\n';
}
