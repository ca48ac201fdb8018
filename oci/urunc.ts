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
 * Pure: what urunc should read for an image, in plain text, or {} where urunc has no type for it. cmdline is the
 * app's argv joined by spaces (urunc splits it again). urunc's block/blkMntPoint are never set: they name a
 * root-filesystem image urunc mounts in the guest, and unik's disks are the app's raw devices, which stay out of
 * the package.
 */
export function uruncConfig(image: Pick<ImageRecord, 'target' | 'platform' | 'frameworkVersion' | 'run'>): Record<string, string> {
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

/**
 * Pure: urunc's annotations (manifest annotations, config labels), each value base64. urunc's GetUnikernelConfig
 * base64-decodes every value it finds in the spec's annotations, whatever put them there (podman copies an
 * image's annotations and labels into the spec; containerd forwards those it is told to), and a decode error is
 * fatal: plain text such as "unikraft" is valid base64 and would decode into garbage.
 */
export const uruncAnnotations = (image: Pick<ImageRecord, 'target' | 'platform' | 'frameworkVersion' | 'run'>): Record<string, string> =>
  Object.fromEntries(Object.entries(uruncConfig(image)).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));

/** Pure: an urunc value as urunc reads it (base64-decoded where it is base64 of printable text), for messages. */
export function uruncValue(v: string): string {
  const text = /^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(v) ? Buffer.from(v, 'base64').toString('latin1') : '';
  return /^[\x20-\x7e]+$/.test(text) ? text : v;
}

/** Pure: /urunc.json: the same keys and base64 values, sorted (urunc's fallback when the spec has none). */
export function uruncJson(annotations: Record<string, string>): string {
  return JSON.stringify(Object.fromEntries(Object.keys(annotations).sort().map((k) => [k, annotations[k]!])), null, 2) + '\n';
}
