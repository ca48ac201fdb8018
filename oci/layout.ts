import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { failure, usageError } from '../lib/errors.js';
import { MEDIA, OCI_LAYOUT, PLATFORM, RECORD_LABEL, sha256Of, type Descriptor, type OciPackage } from './package.js';
import { JSON_BLOB_MAX, layerCap } from './layer-cap.js';
import { URUNC, uruncValue } from './urunc.js';

/** Where the blobs of an OCI image come from: a layout directory (after skopeo) or an archive read into memory. */
export interface BlobSource {
  /** Names the source in messages: the REF or the archive file. */
  what: string;
  file(path: string): Promise<Buffer | null>;
}

export const dirSource = (dir: string, what: string): BlobSource => ({
  what,
  file: async (p) => (existsSync(join(dir, p)) ? fsp.readFile(join(dir, p)) : null),
});

export const memorySource = (files: Map<string, Buffer>, what: string): BlobSource => ({ what, file: async (p) => files.get(p) ?? null });

/** Write an OCI image layout (oci-layout, index.json, blobs/sha256/…) for skopeo or an archive. */
export async function writeLayout(dir: string, pkg: OciPackage): Promise<void> {
  await fsp.mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  for (const [digest, data] of pkg.blobs) await fsp.writeFile(join(dir, blobPath(digest)), data);
  await fsp.writeFile(join(dir, 'oci-layout'), OCI_LAYOUT);
  await fsp.writeFile(join(dir, 'index.json'), pkg.index);
}

/** Pure: the files of an OCI image layout, as (relative path → bytes), for an archive. */
export function layoutFiles(pkg: OciPackage): Map<string, Buffer> {
  return new Map<string, Buffer>([
    ['oci-layout', Buffer.from(OCI_LAYOUT)],
    ['index.json', pkg.index],
    ...[...pkg.blobs].map(([d, b]) => [blobPath(d), b] as [string, Buffer]),
  ]);
}

const blobPath = (digest: string) => `blobs/sha256/${digest.slice('sha256:'.length)}`;

/** What a verified OCI image holds: its manifest digest, the parsed unik label (unchecked), the layer tar. */
export interface VerifiedImage {
  manifestDigest: string;
  /** The JSON in the config's unik label, not yet checked (see record-check.ts). */
  label: unknown;
  layerTar: Buffer;
}

const isObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);

/** Pure: a list for one line: at most 3 items, then how many more ("a, b, c and 97 more"). */
export const countedList = (items: string[]): string =>
  !items.length ? 'none' : items.length <= 3 ? items.join(', ') : `${items.slice(0, 3).join(', ')} and ${items.length - 3} more (${items.length} in all)`;

function parseJson(data: Buffer, what: string): Record<string, unknown> {
  try {
    const v = JSON.parse(data.toString('utf8')) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw usageError(`${what}: expected a JSON object, found something else`);
}

/** A descriptor as it is quoted in an error: its digest, cut short when it is not one. */
const shortDigest = (d: unknown) => {
  const digest = (d as Descriptor | null)?.digest;
  return typeof digest === 'string' ? JSON.stringify(digest.length > 80 ? `${digest.slice(0, 77)}...` : digest) : 'no digest';
};

/**
 * A blob whose bytes match its descriptor; anything else is refused before it is used. A blob larger than
 * `max` is refused before it is read.
 */
async function verifiedBlob(src: BlobSource, d: Descriptor, role: string, max: number): Promise<Buffer> {
  if (typeof d?.digest !== 'string' || !/^sha256:[0-9a-f]{64}$/.test(d.digest)) {
    throw usageError(`${src.what}: expected a sha256 digest (sha256: and 64 hex digits) for the ${role}, found ${shortDigest(d)}`);
  }
  if (!Number.isSafeInteger(d.size) || d.size < 0) throw usageError(`${src.what}: expected a size in bytes for the ${role}, found ${JSON.stringify(String(d.size).slice(0, 30))}`);
  if (d.size > max) throw usageError(`${src.what}: expected a ${role} of at most ${max} bytes, found one that declares ${d.size}; refused, nothing stored`);
  const data = await src.file(blobPath(d.digest));
  if (!data) throw failure(`${src.what}: the ${role} blob ${d.digest} is missing; nothing stored`);
  const actual = sha256Of(data);
  if (actual !== d.digest || data.length !== d.size) {
    throw failure(`${src.what}: the ${role} blob does not match its digest (expected ${d.digest}, ${d.size} bytes; got ${actual}, ${data.length} bytes); refused, nothing stored`);
  }
  return data;
}

/** Pure: the unpacked layer, never more than `cap` bytes of it (a gzip bomb stops there). */
function unpackLayer(blob: Buffer, gzip: boolean, cap: number, what: string): Buffer {
  if (!gzip) return blob;
  try {
    return gunzipSync(blob, { maxOutputLength: cap });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw failure(`${what}: the layer unpacks to more than the ${cap} bytes its record declares (kernel, files and tar headers); refused, nothing stored`);
    }
    throw failure(`${what}: the layer is not valid gzip; refused, nothing stored`);
  }
}

/** Pick the one linux/amd64 image manifest of an index (following one nested index, as other tools write). */
async function pickManifest(src: BlobSource, index: Record<string, unknown>): Promise<Descriptor> {
  const manifests = (Array.isArray(index.manifests) ? index.manifests : []) as Descriptor[];
  if (!manifests.length) throw usageError(`${src.what}: expected an OCI index with one image, found no manifests`);
  if (!manifests.every(isObject)) throw usageError(`${src.what}: expected an OCI index of descriptors, found an entry that is not one`);
  const matching = manifests.filter((m) => !m.platform || (m.platform.architecture === PLATFORM.architecture && m.platform.os === PLATFORM.os));
  const chosen = matching.length === 1 ? matching[0]! : manifests.length === 1 ? manifests[0]! : null;
  if (!chosen) {
    const found = countedList(manifests.map((m) => (m.platform ? `${m.platform.os}/${m.platform.architecture}` : 'no platform')));
    throw usageError(`${src.what}: expected one ${PLATFORM.os}/${PLATFORM.architecture} image, found ${found}`);
  }
  if (chosen.mediaType === MEDIA.index) return pickManifest(src, parseJson(await verifiedBlob(src, chosen, 'index', JSON_BLOB_MAX), `${src.what} index`));
  return chosen;
}

/**
 * Read and verify an OCI image: every blob is checked against its digest and size before it is used, the
 * platform must be linux/amd64, and the config must carry unik's record. Nothing is written.
 */
export async function readVerified(src: BlobSource): Promise<VerifiedImage> {
  const layout = await src.file('oci-layout');
  const indexData = await src.file('index.json');
  if (!layout || !indexData) throw usageError(`${src.what}: expected an OCI image layout (oci-layout and index.json), found none`);
  const desc = await pickManifest(src, parseJson(indexData, `${src.what} index.json`));
  if (desc.mediaType !== MEDIA.manifest) throw usageError(`${src.what}: expected an OCI image manifest, found ${JSON.stringify(desc.mediaType)}`);
  const manifest = parseJson(await verifiedBlob(src, desc, 'manifest', JSON_BLOB_MAX), `${src.what} manifest`);
  const config = parseJson(await verifiedBlob(src, manifest.config as Descriptor, 'config', JSON_BLOB_MAX), `${src.what} config`);
  if (config.architecture !== PLATFORM.architecture || config.os !== PLATFORM.os) {
    throw usageError(`${src.what}: expected an image for ${PLATFORM.os}/${PLATFORM.architecture}, found one for ${String(config.os)}/${String(config.architecture)}`);
  }
  const inner = isObject(config.config) ? config.config : {};
  const labels = (isObject(inner.Labels) ? inner.Labels : {}) as Record<string, string>;
  const annotations = (isObject(manifest.annotations) ? manifest.annotations : {}) as Record<string, string>;
  const raw = labels[RECORD_LABEL];
  if (typeof raw !== 'string') {
    const type = annotations[URUNC.type] ?? labels[URUNC.type];
    const urunc = type === undefined ? undefined : uruncValue(type);
    throw usageError(urunc
      ? `${src.what}: expected an image built by unik, found a urunc ${urunc} image without unik's record (${RECORD_LABEL}): run it with urunc, or build it with unik`
      : `${src.what}: expected a unik image (config label ${RECORD_LABEL}), found a plain container image`);
  }
  const layers = (Array.isArray(manifest.layers) ? manifest.layers.filter(isObject) : []) as unknown as Descriptor[];
  if (layers.length !== 1 || (layers[0]!.mediaType !== MEDIA.layerGzip && layers[0]!.mediaType !== MEDIA.layerTar)) {
    throw usageError(`${src.what}: expected one tar or tar+gzip layer, found ${countedList(layers.map((l) => String(l?.mediaType)))}`);
  }
  let label: unknown;
  try {
    label = JSON.parse(raw);
  } catch {
    throw usageError(`${src.what}: expected JSON in the config label ${RECORD_LABEL}, found something else`);
  }
  // The record says how big its files are: nothing larger is downloaded into memory or unpacked.
  const cap = layerCap(label);
  if (cap === null) throw usageError(`${src.what}: expected a unik record declaring its sizes (sizeBytes, files) in ${RECORD_LABEL}, found none`);
  const gzip = layers[0]!.mediaType === MEDIA.layerGzip;
  const blob = await verifiedBlob(src, layers[0]!, 'layer', gzip ? cap + (cap >> 6) + 1024 : cap);
  const layerTar = unpackLayer(blob, gzip, cap, src.what);
  const diffIds = (config.rootfs as { diff_ids?: unknown } | undefined)?.diff_ids;
  if (!Array.isArray(diffIds) || diffIds[0] !== sha256Of(layerTar)) {
    throw failure(`${src.what}: the unpacked layer does not match the config's diff_id; refused, nothing stored`);
  }
  return { manifestDigest: desc.digest, label, layerTar };
}
