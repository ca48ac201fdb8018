import { existsSync, readFileSync, promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { sha256File, writeJsonAtomic } from '../lib/atomic.js';
import type { ImageRecord } from './record.js';
import { corruption } from './store.js';

/**
 * A saved guest (QEMU migration stream) of one image, kept in the image's own directory, so `rmi` and a
 * rebuild that replaces the image remove its snapshots with it.
 */
export interface SnapshotRecord {
  /** Hash of everything the saved state depends on (snapshotKey): image, QEMU binary, accelerator, argv shape. */
  key: string;
  imageId: string;
  qemuVersion: string;
  /** The QEMU argv it was saved under, host ports and data paths blanked (what the key hashes). */
  argvShape: string[];
  path: string;
  sizeBytes: number;
  sha256: string;
  /** The guest RAM at the save, a sparse file of the guest's memory size (QEMU maps it; not in the stream). */
  ram: { path: string; sha256: string; allocatedBytes: number };
  createdAt: string;
  /** ms from `stop` to the guest running again after the save. */
  saveMs: number | null;
}

const KEY = /^[0-9a-f]{16}$/;

const snapshotsDir = (image: Pick<ImageRecord, 'path'>): string => join(dirname(image.path), 'snapshots');
const statePath = (image: Pick<ImageRecord, 'path'>, key: string) => join(snapshotsDir(image), `${key}.state`);
const ramPath = (image: Pick<ImageRecord, 'path'>, key: string) => join(snapshotsDir(image), `${key}.ram`);
const recordPath = (image: Pick<ImageRecord, 'path'>, key: string) => join(snapshotsDir(image), `${key}.json`);

/** Pure: the snapshot key of an image booted with this argv shape by this QEMU binary. Any change: another key. */
export async function snapshotKey(imageId: string, qemuStamp: string, argvShape: string[]): Promise<string> {
  const { createHash } = await import('node:crypto');
  // ram: the guest RAM is a file beside the stream (machine/vm-snapshot.ts); streams that carry it are another format.
  return createHash('sha256').update(JSON.stringify({ imageId, qemuStamp, argvShape, ram: 'file' })).digest('hex').slice(0, 16);
}

/** The image's snapshot for this key, if one is stored and its bytes are the ones saved; otherwise null and why. */
export async function findSnapshot(image: ImageRecord, key: string): Promise<{ snapshot: SnapshotRecord | null; problem: string | null }> {
  if (!KEY.test(key) || !existsSync(recordPath(image, key))) return { snapshot: null, problem: null };
  let rec: SnapshotRecord;
  try {
    rec = JSON.parse(readFileSync(recordPath(image, key), 'utf8')) as SnapshotRecord;
  } catch {
    return { snapshot: null, problem: `${recordPath(image, key)} is not valid JSON` };
  }
  // The record may only name its own state file: it is read back from disk and could have been edited.
  if (rec.key !== key || rec.imageId !== image.id || rec.path !== statePath(image, key) || typeof rec.sha256 !== 'string' || rec.ram?.path !== ramPath(image, key) || typeof rec.ram.sha256 !== 'string') {
    return { snapshot: null, problem: `${recordPath(image, key)} does not describe snapshot ${key} of image ${image.id}` };
  }
  const bad = await corruption({ path: rec.path, sha256: rec.sha256, files: { ram: rec.ram.path }, filesSha256: { ram: rec.ram.sha256 } });
  return bad ? { snapshot: null, problem: bad } : { snapshot: rec, problem: null };
}

/** Temp files in the image's snapshot directory for a save to write, state and RAM (renamed into place by putSnapshot). */
export async function snapshotTemp(image: ImageRecord, key: string): Promise<{ state: string; ram: string }> {
  await fsp.mkdir(snapshotsDir(image), { recursive: true });
  const tmp = (what: string) => join(snapshotsDir(image), `.${key}.${what}.tmp-${process.pid}-${Date.now().toString(36)}`);
  return { state: tmp('state'), ram: tmp('ram') };
}

/** Store a completed save: hashed from the written file, then the state and its record renamed into place. */
export async function putSnapshot(image: ImageRecord, key: string, tmp: { state: string; ram: string }, meta: Pick<SnapshotRecord, 'qemuVersion' | 'argvShape' | 'saveMs'>): Promise<SnapshotRecord> {
  const rec: SnapshotRecord = {
    key,
    imageId: image.id,
    ...meta,
    path: statePath(image, key),
    sizeBytes: (await fsp.stat(tmp.state)).size,
    sha256: await sha256File(tmp.state),
    ram: { path: ramPath(image, key), sha256: await sha256File(tmp.ram), allocatedBytes: (await fsp.stat(tmp.ram)).blocks * 512 },
    createdAt: new Date().toISOString(),
  };
  await fsp.rename(tmp.ram, rec.ram.path);
  await fsp.rename(tmp.state, rec.path);
  await writeJsonAtomic(recordPath(image, key), rec);
  return rec;
}

/** Forget one snapshot (it could not be restored): the next run boots and saves a new one. */
export async function removeSnapshot(image: ImageRecord, key: string): Promise<void> {
  await fsp.rm(recordPath(image, key), { force: true });
  await fsp.rm(statePath(image, key), { force: true });
  await fsp.rm(ramPath(image, key), { force: true });
}
