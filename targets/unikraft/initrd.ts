import { promises as fsp } from 'node:fs';
import { writeFileAtomic } from '../../lib/atomic.js';
import { cpioArchive } from '../../lib/cpio.js';
import type { ContentFile } from '../../programs/contents.js';

/** The image's `files` as the cpio initrd Unikraft extracts into its ramfs root (vfs.fstab "initrd0:/:extract"). */
export async function writeInitrd(files: ContentFile[], dest: string): Promise<string> {
  const entries = await Promise.all(
    files.map(async (f) => ({ path: f.guest.slice(1), data: await fsp.readFile(f.host), mode: (await fsp.stat(f.host)).mode })),
  );
  await writeFileAtomic(dest, cpioArchive(entries));
  return dest;
}
