import { lstatSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { usageError } from '../lib/errors.js';
import type { ImageRecord } from '../images/record.js';
import { checkPackagedRecord } from '../oci/record-check.js';
import { FILES_DIR, KERNEL_PATH, RECORD_PATH } from '../oci/urunc.js';
import type { OciSpec } from './spec.js';

/** A record larger than this is not one unik wrote (a big record with every field filled is a few KiB). */
export const MAX_RECORD_BYTES = 256 * 1024;

export type Detected = { kind: 'unik'; rootfs: string; recordFile: string } | { kind: 'other' };

/** A regular file, never a link: a link in an untrusted rootfs could point anywhere on the host. */
const regularFile = (path: string): boolean => !!lstatSync(path, { throwIfNoEntry: false })?.isFile();

/** Pure: the rootfs of a bundle, as runtime-spec says (root.path, relative to the bundle unless absolute). */
export const rootfsOf = (bundle: string, spec: OciSpec): string => {
  const p = spec.root?.path ?? 'rootfs';
  return isAbsolute(p) ? p : resolve(bundle, p);
};

/**
 * A bundle is a unik image when its rootfs holds unik's package: the kernel at /unik/kernel and the record at
 * /unik/record.json (the same {format, record} as the image config's dev.unik.image label, which engines do not
 * pass to a runtime). /urunc.json alone is not enough: it names no memory size, devices or exit statuses.
 */
export function detect(bundle: string, spec: OciSpec): Detected {
  const rootfs = rootfsOf(bundle, spec);
  if (!regularFile(join(rootfs, KERNEL_PATH))) return { kind: 'other' };
  const recordFile = join(rootfs, RECORD_PATH);
  if (!regularFile(recordFile)) throw usageError(`${bundle}: /${KERNEL_PATH} is there but /${RECORD_PATH} is not (an image packaged by an older unik: push it again)`);
  return { kind: 'unik', rootfs, recordFile };
}

/**
 * The image record a bundle boots from: untrusted, so checked field by field like a pulled one (oci/record-check),
 * its paths pointing into the rootfs. The files' sha256 are checked later, at boot preparation (verifyImage).
 */
export function bundleImage(rootfs: string, recordFile: string): ImageRecord {
  const size = lstatSync(recordFile).size;
  if (size > MAX_RECORD_BYTES) throw usageError(`/${RECORD_PATH}: expected a unik record of at most ${MAX_RECORD_BYTES} bytes, found ${size}`);
  let label: unknown;
  try {
    label = JSON.parse(readFileSync(recordFile, 'utf8'));
  } catch {
    throw usageError(`/${RECORD_PATH}: expected JSON, found something else`);
  }
  const rec = checkPackagedRecord(label, `/${RECORD_PATH}`);
  const files = Object.fromEntries(Object.keys(rec.files).map((role) => [role, join(rootfs, FILES_DIR, role)]));
  for (const f of [join(rootfs, KERNEL_PATH), ...Object.values(files)]) {
    if (!regularFile(f)) throw usageError(`${f.slice(rootfs.length)}: expected a regular file in the image, found none (or a link)`);
  }
  return { ...rec, path: join(rootfs, KERNEL_PATH), files };
}
