import { promises as fsp, readFileSync, realpathSync } from 'node:fs';
import { basename, join, posix, relative } from 'node:path';
import { sha256 } from '../lib/sha256.js';
import { manifestError } from '../manifest/errors.js';
import type { FileDecl, Manifest } from '../manifest/manifest.js';
import { ElfError, isElf, readElf, type ElfInfo } from '../lib/elf.js';
import { hostLoaderConfig, MissingLibrary, resolveLibraries, type LoaderConfig } from './libraries.js';

/** What a collected file is in the image. */
export type ContentRole = 'program' | 'library' | 'file';

/** One file unik puts into a program image: the "what is in my image" audit, stored in the image record. */
export interface ContentFile {
  guest: string;
  /** Real host path of the bytes. */
  host: string;
  sha256: string;
  role: ContentRole;
  /** The Debian package it came from, where dpkg knows it (filled in at build time: programs/dpkg.ts). */
  package?: string | null;
  /** For libraries: the soname the loader asks for. */
  soname?: string;
}

/** An ELF object among the contents (program, libraries, shared objects in `files`), for the target's checks. */
export interface ContentObject {
  guest: string;
  host: string;
  elf: ElfInfo;
}

export interface Contents {
  files: ContentFile[];
  objects: ContentObject[];
}

/** Where a target puts the program and its libraries, and what its kernel supplies itself. */
export interface ContentLayout {
  programGuest: string;
  /** Where libraries go; null: at the path where the host's loader found them (a container twin's rootfs). */
  libraryDir: string | null;
  provided: ReadonlySet<string>;
  /** The program's PT_INTERP loader goes into the guest at that path (a kernel that side-loads it, not one that supplies it). */
  interpreter?: boolean;
}

/** A file name inside a copied directory: it becomes a guest path in a build file, so one plain alphabet. */
const NAME = /^[A-Za-z0-9._+@=,~-]{1,255}$/;

const hashFile = async (path: string): Promise<string> => {
  const h = sha256();
  const fh = await fsp.open(path, 'r');
  try {
    for await (const chunk of fh.createReadStream({ autoClose: false })) h.update(chunk as Buffer);
  } finally {
    await fh.close();
  }
  return h.digest('hex');
};

/**
 * Every regular file of a `files` directory, with its guest path. Symlinks are followed to their real paths; in
 * a directory of the app, one that leads out of it is refused (issue 9's rule for every app path). A host
 * directory named by its absolute path is the user's explicit choice: its links are followed as on the host.
 */
async function walkDir(decl: FileDecl, field: string, manifest: Manifest): Promise<{ guest: string; host: string }[]> {
  const out: { guest: string; host: string }[] = [];
  const seen = new Set<string>();
  const fail = (rel: string, expected: string, found: string) => manifestError(manifest.manifestPath, `${field}: ${rel}`, expected, found);
  const walk = async (real: string, guest: string, rel: string): Promise<void> => {
    if (seen.has(real)) return;
    seen.add(real);
    for (const entry of (await fsp.readdir(real, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const entryRel = rel ? `${rel}/${entry.name}` : entry.name;
      if (!NAME.test(entry.name)) throw fail(entryRel, 'file names of letters, digits and ._+@=,~-', JSON.stringify(entry.name));
      let target = join(real, entry.name);
      if (entry.isSymbolicLink()) {
        try {
          target = realpathSync(target);
        } catch {
          throw fail(entryRel, 'a symlink to an existing file', 'a dangling symlink');
        }
        const r = relative(decl.host, target);
        if (!decl.fromHost && (r.startsWith('..') || r.startsWith('/'))) throw fail(entryRel, 'a path inside the app directory', `a symlink that leads out of it to ${target}`);
      }
      const st = await fsp.stat(target);
      if (st.isDirectory()) await walk(target, posix.join(guest, entry.name), entryRel);
      else if (st.isFile()) out.push({ guest: posix.join(guest, entry.name), host: target });
    }
  };
  await walk(decl.host, decl.guest, '');
  return out;
}

/** Reads an ELF object's facts, or null for a file that is not an x86-64 ELF object. */
function objectOf(path: string): ElfInfo | null {
  try {
    const bytes = readFileSync(path);
    return isElf(bytes) ? readElf(bytes) : null;
  } catch (e) {
    if (e instanceof ElfError) return null;
    throw e;
  }
}

/** Shared objects among the app's files (loaded with dlopen at run time: python's lib-dynload, node addons). */
const sharedObjectName = (p: string) => /\.so(\.[0-9.]+)?$/.test(basename(p));

/**
 * Everything a program image holds besides the kernel's own files: the program, the libraries it and the
 * shared objects among `files` need (resolved like ld.so, minus what `layout.provided` names), and `files`.
 * Later entries win where guest paths meet (a file given explicitly over a collected library). Hashes every
 * byte: the result is part of the image's cache key, so a changed file rebuilds the image.
 */
export async function collectContents(manifest: Manifest, layout: ContentLayout, config: LoaderConfig = hostLoaderConfig()): Promise<Contents> {
  const files: ContentFile[] = [];
  const objects: ContentObject[] = [];
  const program = manifest.program;
  if (program) {
    const elf = objectOf(program.path);
    if (!elf) throw manifestError(manifest.manifestPath, 'program', 'an x86-64 ELF executable', JSON.stringify(program.given));
    if (!elf.interp && elf.type !== 3) throw manifestError(manifest.manifestPath, 'program', 'a dynamically linked or position-independent executable', `${JSON.stringify(program.given)}, a static non-PIE one`);
    files.push({ guest: layout.programGuest, host: program.path, sha256: await hashFile(program.path), role: 'program' });
    objects.push({ guest: layout.programGuest, host: program.path, elf });
  }
  const extra: ContentFile[] = [];
  for (const decl of manifest.files) {
    const field = `files[${JSON.stringify(decl.guest)}]`;
    if (program && decl.guest === layout.programGuest) throw manifestError(manifest.manifestPath, field, `a guest path other than the program's (${layout.programGuest})`, JSON.stringify(decl.guest));
    const entries = decl.dir ? await walkDir(decl, field, manifest) : [{ guest: decl.guest, host: decl.host }];
    for (const e of entries) extra.push({ guest: e.guest, host: e.host, sha256: await hashFile(e.host), role: 'file' });
  }
  const dlopened = extra.filter((f) => sharedObjectName(f.host)).flatMap((f) => {
    const elf = objectOf(f.host);
    return elf && elf.type === 3 ? [{ guest: f.guest, host: f.host, elf }] : [];
  });
  let libs;
  try {
    libs = resolveLibraries([...(program ? [program.path] : []), ...dlopened.map((o) => o.host)], layout.provided, config);
  } catch (e) {
    if (e instanceof MissingLibrary) throw manifestError(manifest.manifestPath, 'program', 'a program whose shared libraries are all on this host', `${e.soname} missing (needed by ${e.neededBy})`);
    throw e;
  }
  const interp = program && layout.interpreter ? objects[0]!.elf.interp : null;
  const interpReal = interp ? realpathSync(interp) : null;
  if (interp && interpReal) files.push({ guest: interp, host: interpReal, sha256: await hashFile(interpReal), role: 'library', soname: basename(interp) });
  // libc's DT_NEEDED on the loader is the loader itself, already in memory: no second copy.
  for (const lib of libs.filter((x) => x.real !== interpReal)) {
    const guest = layout.libraryDir === null ? lib.path : posix.join(layout.libraryDir, lib.soname);
    files.push({ guest, host: lib.real, sha256: await hashFile(lib.real), role: 'library', soname: lib.soname });
    objects.push({ guest, host: lib.real, elf: lib.elf });
  }
  objects.push(...dlopened);
  const byGuest = new Map<string, ContentFile>();
  for (const f of [...files, ...extra]) byGuest.set(f.guest, f);
  return { files: [...byGuest.values()], objects };
}
