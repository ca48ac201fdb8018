import { promises as fsp } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import { removeOnExit } from '../lib/exit-cleanup.js';
import { failure, usageError, UnikError } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import type { ImageRecord } from '../images/record.js';
import { putImage } from '../images/store.js';
import type { VerifiedImage } from './layout.js';
import { checkPackagedRecord } from './record-check.js';
import { readTar, TarError, type TarEntry } from './tar.js';
import { FILES_DIR, KERNEL_PATH } from './urunc.js';

/** QEMU user networking's DNS forwarder: records written before the nameserver was recorded had it implied. */
const QEMU_DNS = '10.0.2.3';

const hex = (data: Uint8Array) => createHash('sha256').update(data).digest('hex');

/** A write that ran out of space is one line naming where; everything else passes through. */
export function diskFullAware(e: unknown, where: string): unknown {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return failure(`no space left on the device holding ${where}; nothing stored`);
  return e;
}

/**
 * Pure: the id a pulled or imported image is stored under: derived from its manifest digest, never taken from
 * the record, so a registry cannot name the id of a local build (local ids are cache-key prefixes). The same
 * image pulled twice gets the same id.
 */
export const pulledId = (manifestDigest: string): string => createHash('sha256').update(`unik pulled image\0${manifestDigest}`).digest('hex').slice(0, 12);

/**
 * Pure: the record to store for a packaged one, field by field (nothing else the label holds is kept). Disks
 * and shared directories are the app's data, not part of the package: their host paths (from the machine that
 * built it) are cleared, so `unik run` asks for --disk/-v instead of opening whatever sits at those paths here.
 * Host ports are the host's business too: a pulled image publishes only what `-p` asks for at run time.
 * The cache key is cleared: a pulled kernel is never what a local build finds in the cache.
 */
export function recordToStore(rec: ImageRecord, manifestDigest: string): Omit<ImageRecord, 'path' | 'files' | 'filesSha256' | 'sizeBytes' | 'sha256' | 'pulled'> {
  const d = rec.run.devices;
  return {
    id: pulledId(manifestDigest),
    name: rec.name,
    target: rec.target,
    platform: rec.platform,
    drivers: rec.drivers,
    libraries: rec.libraries,
    buildSeconds: rec.buildSeconds,
    sources: rec.sources.map(({ name, ref, commit, dirty }) => ({ name, ref, commit, dirty })),
    patches: (rec.patches ?? []).map(({ source, file, sha256 }) => ({ source, file, sha256 })),
    frameworkVersion: rec.frameworkVersion,
    createdAt: rec.createdAt,
    appDir: rec.appDir,
    cacheKey: '',
    run: {
      devices: {
        console: d.console,
        net: d.net ? { ports: [], guestIp: d.net.guestIp, gateway: d.net.gateway, prefix: d.net.prefix, nameserver: d.net.nameserver ?? QEMU_DNS } : null,
        block: d.block.map((b) => ({ name: b.name, file: '' })),
        share: d.share.map((s) => ({ tag: s.tag, source: '', dest: s.dest })),
      },
      cmdline: rec.run.cmdline,
      memoryMiB: rec.run.memoryMiB,
      ready: rec.run.ready,
    },
    bootSettings: rec.bootSettings,
    ...(rec.toolchain ? { toolchain: rec.toolchain } : {}),
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
  const wrongSize = files.find((f) => rec.filesBytes && f.entry.data!.length !== rec.filesBytes[f.role]);
  if (wrongSize) throw failure(`${what}: /${FILES_DIR}/${wrongSize.role}'s size does not match its record; refused, nothing stored`);

  const tmp = tempSibling(join(l.images, pulledId(image.manifestDigest)));
  const dropScratch = removeOnExit(tmp);
  try {
    await fsp.mkdir(tmp, { recursive: true });
    const write = (name: string, e: TarEntry) => fsp.writeFile(join(tmp, name), e.data!, { mode: e.mode ?? 0o644 });
    await write(rec.path, kernel);
    for (const f of files) await write(f.name, f.entry);
    return await putImage(l, join(tmp, rec.path), Object.fromEntries(files.map((f) => [f.role, join(tmp, f.name)])), recordToStore(rec, image.manifestDigest), { pulled: { digest: image.manifestDigest } });
  } catch (e) {
    throw e instanceof UnikError ? e : diskFullAware(e, l.images);
  } finally {
    await fsp.rm(tmp, { recursive: true, force: true });
    dropScratch();
  }
}
