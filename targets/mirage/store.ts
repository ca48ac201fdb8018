import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { manifestError } from '../../manifest/errors.js';
import type { ContentFile, ContentLayout } from '../../programs/contents.js';
import type { MirageDevice } from './drivers.js';

/**
 * `files:` on MirageOS: a read-only key-value store built at build time, as mirage's `crunch` device builds it.
 * unik stages the files under STORE_DIR in the build directory (each at its guest path), and config.ml passes
 * `crunch "unik_files"` to the app: ocaml-crunch turns the tree into the module Static_unik_files, a Mirage_kv.RO
 * whose keys are the guest paths ("/etc/motd" is Mirage_kv.Key.v "/etc/motd"). No user string reaches config.ml:
 * only this constant directory does, and ocaml-crunch writes the file names (one plain alphabet, checked by
 * manifest/ and programs/) into OCaml string literals itself.
 */
export const STORE_DIR = 'unik_files';

/** The module ocaml-crunch generates for STORE_DIR (mirage's crunch: "Static_" ^ the directory, made an identifier). */
export const storeModule = (dir: string): string => `Static_${dir.replace(/[^0-9A-Za-z]/g, '_').toLowerCase()}`;

/** The kv_ro argument the Unikernel functor gets last, after the network stack and disks: `Main (…) (KV : Mirage_kv.RO)`. */
export const STORE_DEVICE: MirageDevice = { binding: 'files', type: 'kv_ro', impl: `crunch "${STORE_DIR}"` };

/** `files:` only (mirage takes no `program`): the store's files, of which no kernel provides any. */
export const STORE_LAYOUT: ContentLayout = { programGuest: '/', libraryDir: null, provided: new Set() };

/** One file of the store: its path under STORE_DIR (the guest path without its leading slash), and its bytes' host path. */
export interface StoreEntry {
  rel: string;
  host: string;
}

/**
 * Pure: the store's files from the collected `files` (guest paths already normalised and checked). A guest path
 * that is a file and also the directory of another file cannot be one tree: refused in one line naming both.
 */
export function storeEntries(files: readonly ContentFile[], manifestPath: string): StoreEntry[] {
  const byRel = new Map<string, string>();
  for (const f of files) byRel.set(f.guest.replace(/^\/+/, ''), f.host);
  const rels = [...byRel.keys()].sort();
  for (const rel of rels) {
    const under = rels.find((r) => r.startsWith(`${rel}/`));
    if (under) throw manifestError(manifestPath, 'files', 'guest paths that form one tree (a key-value store on mirage)', `/${rel} as a file and as the directory of /${under}`);
  }
  return rels.map((rel) => ({ rel, host: byRel.get(rel)! }));
}

/**
 * Make `<app>/unik_files` hold exactly these files. Unchanged files keep their mtime and anything not listed
 * goes, so dune regenerates the store module (and relinks) only when a file's bytes or the set changed.
 */
export async function stageStore(app: string, entries: readonly StoreEntry[]): Promise<void> {
  const root = join(app, STORE_DIR);
  if (!entries.length) {
    await fsp.rm(root, { recursive: true, force: true });
    return;
  }
  const wanted = new Set(entries.map((e) => e.rel));
  // Pruning first clears the way where a file became a directory or the other way round.
  await fsp.mkdir(root, { recursive: true });
  await prune(root, '', wanted);
  for (const e of entries) {
    const to = join(root, e.rel);
    const [want, have] = await Promise.all([fsp.readFile(e.host), fsp.readFile(to).catch(() => null)]);
    if (have && have.equals(want)) continue;
    await fsp.rm(to, { recursive: true, force: true });
    await fsp.mkdir(dirname(to), { recursive: true });
    await fsp.writeFile(to, want);
  }
}

/** Remove what the store no longer lists (files, then directories left empty). */
async function prune(root: string, rel: string, wanted: ReadonlySet<string>): Promise<boolean> {
  let kept = false;
  for (const entry of await fsp.readdir(join(root, rel), { withFileTypes: true })) {
    const r = rel ? `${rel}/${entry.name}` : entry.name;
    const keep = entry.isDirectory() ? await prune(root, r, wanted) : wanted.has(r);
    if (!keep) await fsp.rm(join(root, r), { recursive: true, force: true });
    kept ||= keep;
  }
  return kept;
}
