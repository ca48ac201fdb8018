import type { Manifest } from '../manifest/manifest.js';
import { collectContents, type ContentFile, type Contents } from '../programs/contents.js';
import { debianPackages } from '../programs/dpkg.js';
import type { ResolvedSource } from '../sources/cache.js';
import type { Target } from '../targets/target.js';

/**
 * A `program` and `files`: collected (and hashed) before the cache key is made, so a changed file, program or
 * host library rebuilds the image, and an unchanged one reuses it. null for an app of sources alone.
 */
export async function programContents(manifest: Manifest, target: Target, sources: Record<string, ResolvedSource>): Promise<Contents | null> {
  if (!manifest.program && !manifest.files.length) return null;
  if (!target.contentLayout) throw new Error(`target ${target.name} has no content layout, though its manifest keys allowed program/files`);
  return collectContents(manifest, target.contentLayout(manifest, sources));
}

/** The audit as stored: each file with the Debian package it came from (dpkg's database, read once per build). */
export function withPackages(files: ContentFile[]): ContentFile[] {
  const packages = debianPackages(files.map((f) => ({ path: f.host, real: f.host })));
  return files.map((f, i) => ({ ...f, package: packages[i] ?? null }));
}
