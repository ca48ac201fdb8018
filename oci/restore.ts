import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import { failure, usageError, UnikError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { putImage } from '../images/store.js';
import type { VerifiedImage } from './layout.js';
import { checkPackagedRecord } from './record-check.js';
import { readTar, TarError, type TarEntry } from './tar.js';
import { FILES_DIR, KERNEL_PATH } from './urunc.js';

const hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A write that ran out of space is one line naming where; everything else passes through. */
export function diskFullAware(e: unknown, where: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return failure(`no space left on the device holding ${where}; nothing stored`);
  return e;
}

/**
 * Pure: the record to store for a packaged one. Disks and shared directories are the app's data, not part
 * of the package: their host paths (from the machine that built it) are cleared, so `unik run` asks for
 * --disk/-v instead of opening whatever sits at those paths here.
 */
export function recordToStore(rec: ImageRecord): Omit<ImageRecord, 'path' | 'files' | 'filesSha256' | 'sizeBytes' | 'sha256'> {
  const { path: _p, files: _f, filesSha256: _s, sizeBytes: _b, sha256: _h, ...rest } = rec;
  const devices = rec.run.devices;
  return {
    ...rest,
    run: { ...rec.run, devices: { ...devices, block: devices.block.map((b) => ({ ...b, file: '' })), share: devices.share.map((s) => ({ ...s, source: '' })) } },
  };
}

/** Pure: the layer's file for `path`, checked against the digest the record holds for it. */
function verifiedFile(entries: Map<string, TarEntry>, path: string, sha256: string, what: string): TarEntry {
  const e = entries.get(path);
  if (!e?.data) throw usageError(`${what}: expected /${path} in the layer, found none`);
  if (hex(e.data) !== sha256) throw failure(`${what}: /${path} does not match the sha256 in its record; refused, nothing stored`);
  return e;
}

/**
 * Put a verified package into the store: the record is checked, every file's sha256 is compared with the
 * record before anything is written, and the store's putImage renames the whole image into place.
 */
export async function restoreImage(l: Layout, image: VerifiedImage, what: string): Promise<ImageRecord> {
  const rec = checkPackagedRecord(image.label, what);
  let entries: Map<string, TarEntry>;
  try {
    entries = new Map(readTar(image.layerTar).map((e) => [e.path, e]));
  } catch (e) {
    if (e instanceof TarError) throw usageError(`${what}: expected a tar layer of files, found ${e.message}`);
    throw e;
  }
  const kernel = verifiedFile(entries, KERNEL_PATH, rec.sha256, what);
  if (kernel.data!.length !== rec.sizeBytes) throw failure(`${what}: the kernel's size does not match its record; refused, nothing stored`);
  const files = Object.keys(rec.files).map((role) => ({ role, name: rec.files[role]!, entry: verifiedFile(entries, `${FILES_DIR}/${role}`, rec.filesSha256![role]!, what) }));

  const tmp = tempSibling(join(l.images, rec.id));
  try {
    await fsp.mkdir(tmp, { recursive: true });
    const write = (name: string, e: TarEntry) => fsp.writeFile(join(tmp, name), e.data!, { mode: e.mode ?? 0o644 });
    await write(rec.path, kernel);
    for (const f of files) await write(f.name, f.entry);
    return await putImage(l, join(tmp, rec.path), Object.fromEntries(files.map((f) => [f.role, join(tmp, f.name)])), recordToStore(rec));
  } catch (e) {
    throw e instanceof UnikError ? e : diskFullAware(e, l.images);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
  }
}
