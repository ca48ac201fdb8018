import { readFileSync } from 'node:fs';
import { writeJsonAtomic } from '../lib/atomic.js';
import type { Layout } from '../lib/home.js';
import { withLock } from '../lib/lock.js';
import type { ImageRecord } from '../images/record.js';
import { listImages } from '../images/store.js';

/** Which stored image a registry reference names here, and the manifest digest it had when pushed or pulled. */
export interface RefEntry {
  id: string;
  digest: string;
}

type Refs = Record<string, RefEntry>;

export function readRefs(l: Layout): Refs {
  try {
    const v = JSON.parse(readFileSync(l.refs, 'utf8')) as { refs?: Refs };
    return v.refs ?? {};
  } catch {
    return {};
  }
}

async function updateRefs(l: Layout, change: (refs: Refs) => void): Promise<void> {
  await withLock(`${l.refs}.lock`, async () => {
    const refs = readRefs(l);
    change(refs);
    await writeJsonAtomic(l.refs, { refs });
  });
}

/** Remember that `canonical` (a parsed REF) names image `id` with this manifest digest. */
export const rememberRef = (l: Layout, canonical: string, entry: RefEntry): Promise<void> =>
  updateRefs(l, (refs) => {
    refs[canonical] = entry;
  });

/** Forget every reference to an image that left the store. */
export async function forgetRefsTo(l: Layout, id: string): Promise<void> {
  if (!Object.values(readRefs(l)).some((v) => v.id === id)) return;
  await updateRefs(l, (refs) => {
    for (const [k, v] of Object.entries(refs)) if (v.id === id) delete refs[k];
  });
}

/** The stored image a reference names, or null when it was never pulled here (or its image is gone). */
export function imageForRef(l: Layout, canonical: string): ImageRecord | null {
  const entry = readRefs(l)[canonical];
  return entry ? (listImages(l).find((r) => r.id === entry.id) ?? null) : null;
}
