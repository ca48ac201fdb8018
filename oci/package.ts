import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { ImageRecord } from '../images/record.js';
import { tarOf, type TarEntry } from './tar.js';
import { FILES_DIR, KERNEL_PATH, RECORD_PATH, URUNC_JSON, uruncAnnotations, uruncJson } from './urunc.js';

/**
 * One unik image as one OCI image (image-spec v1.1, linux/amd64): a config carrying the full image record,
 * one gzip layer holding the kernel and the files it boots with at stable paths (plus /urunc.json where urunc
 * has a type for it), and a manifest with urunc's and the org.opencontainers.image annotations.
 */
export const MEDIA = {
  index: 'application/vnd.oci.image.index.v1+json',
  manifest: 'application/vnd.oci.image.manifest.v1+json',
  config: 'application/vnd.oci.image.config.v1+json',
  layerGzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  layerTar: 'application/vnd.oci.image.layer.v1.tar',
} as const;

/** The config label holding {format, record}: the record with paths reduced to the stored file names. */
export const RECORD_LABEL = 'dev.unik.image';
export const PACKAGE_FORMAT = 1;
export const PLATFORM = { architecture: 'amd64', os: 'linux' } as const;

export interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  annotations?: Record<string, string>;
  platform?: { architecture: string; os: string };
}

/** The bytes an image boots with, as read from the store. */
export interface ImageContents {
  kernel: { data: Buffer; mode: number };
  files: Record<string, { data: Buffer; mode: number }>;
}

export interface OciPackage {
  /** digest → bytes, for every blob the manifest names and the manifest itself. */
  blobs: Map<string, Buffer>;
  manifest: Descriptor;
  /** index.json of an OCI image layout holding just this image, tagged `refName`. */
  index: Buffer;
  /** Uncompressed layer bytes (what umoci/containerd unpack). */
  layerBytes: number;
}

export const OCI_LAYOUT = JSON.stringify({ imageLayoutVersion: '1.0.0' });

export const sha256Of = (data: Uint8Array): string => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Pure: JSON with keys sorted at every level, so equal values always give equal bytes (and digests). */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v,
  );
}

/** Pure: the record as it travels: file paths reduced to the names they are stored under, digests of every file. */
export function portableRecord(image: ImageRecord, contents: ImageContents): ImageRecord & { filesBytes?: Record<string, number> } {
  return {
    ...image,
    path: basename(image.path),
    files: Object.fromEntries(Object.entries(image.files).map(([role, p]) => [role, basename(p)])),
    filesSha256: Object.fromEntries(Object.entries(contents.files).map(([role, f]) => [role, sha256Of(f.data).slice(7)])),
    // Declared sizes let a pull cap what it unpacks (layer-cap.ts); images without files travel as before.
    ...(Object.keys(contents.files).length ? { filesBytes: Object.fromEntries(Object.entries(contents.files).map(([role, f]) => [role, f.data.length])) } : {}),
    // Records stored before bootSettings existed travel with the empty default the boot assumes.
    bootSettings: image.bootSettings ?? {},
  };
}

/** Pure: the record label's value: the same text in the config and, for a runtime (which sees no config), the layer. */
export const recordLabel = (image: ImageRecord, contents: ImageContents): string => canonicalJson({ format: PACKAGE_FORMAT, record: portableRecord(image, contents) });

/**
 * Pure: the layer's entries: the kernel, its record and the boot files at fixed paths, urunc.json where urunc
 * applies.
 */
export function layerEntries(image: ImageRecord, contents: ImageContents): TarEntry[] {
  const urunc = uruncAnnotations(image);
  const roles = Object.keys(contents.files);
  return [
    { path: 'unik/' },
    { path: KERNEL_PATH, data: contents.kernel.data, mode: contents.kernel.mode },
    { path: RECORD_PATH, data: Buffer.from(recordLabel(image, contents)), mode: 0o644 },
    ...(roles.length ? [{ path: `${FILES_DIR}/` }] : []),
    ...roles.map((role) => ({ path: `${FILES_DIR}/${role}`, data: contents.files[role]!.data, mode: contents.files[role]!.mode })),
    ...(Object.keys(urunc).length ? [{ path: URUNC_JSON, data: Buffer.from(uruncJson(urunc)) }] : []),
  ];
}

/** Pure: org.opencontainers.image.* annotations; version is the image id (the build's cache key prefix). */
export function standardAnnotations(image: ImageRecord): Record<string, string> {
  return {
    'org.opencontainers.image.created': image.createdAt,
    'org.opencontainers.image.title': image.name,
    'org.opencontainers.image.version': image.id,
    ...(image.sources.length ? { 'org.opencontainers.image.revision': image.sources.map((s) => `${s.name}@${s.commit}`).join(',') } : {}),
  };
}

/** Pure: the whole OCI image for one stored image. Same record and bytes in, same digests out. */
export function packageImage(image: ImageRecord, contents: ImageContents, refName: string): OciPackage {
  const tar = tarOf(layerEntries(image, contents));
  // A fixed level and no name/mtime in the gzip header: same tar, same bytes (for one zlib build). Level 9
  // costs 2.6× the time of 6 for 0.4 % less on an OSv layer.
  const layer = gzipSync(tar, { level: 6 });
  const urunc = uruncAnnotations(image);
  const labels = { ...urunc, [RECORD_LABEL]: recordLabel(image, contents) };
  const config = Buffer.from(canonicalJson({
    created: image.createdAt,
    ...PLATFORM,
    // Engines refuse an image with neither Entrypoint nor Cmd; unik-runtime drops this Entrypoint from process.args.
    config: { Labels: labels, Entrypoint: [`/${KERNEL_PATH}`], ...(image.run.cmdline.length ? { Cmd: image.run.cmdline } : {}) },
    rootfs: { type: 'layers', diff_ids: [sha256Of(tar)] },
    history: [{ created: image.createdAt, created_by: `unik build ${image.name}` }],
  }));
  const manifest = Buffer.from(canonicalJson({
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config: { mediaType: MEDIA.config, digest: sha256Of(config), size: config.length },
    layers: [{ mediaType: MEDIA.layerGzip, digest: sha256Of(layer), size: layer.length }],
    annotations: { ...urunc, ...standardAnnotations(image) },
  }));
  const manifestDesc: Descriptor = { mediaType: MEDIA.manifest, digest: sha256Of(manifest), size: manifest.length };
  const index = Buffer.from(canonicalJson({
    schemaVersion: 2,
    mediaType: MEDIA.index,
    manifests: [{ ...manifestDesc, platform: PLATFORM, annotations: { 'org.opencontainers.image.ref.name': refName } }],
  }));
  return {
    blobs: new Map([[sha256Of(config), config], [sha256Of(layer), layer], [manifestDesc.digest, manifest]]),
    manifest: manifestDesc,
    index,
    layerBytes: tar.length,
  };
}
