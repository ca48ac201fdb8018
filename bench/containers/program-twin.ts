import { promises as fsp, realpathSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Manifest } from '../../manifest/manifest.js';
import { collectContents } from '../../programs/contents.js';

/**
 * The container twin of a `program`: the same executable at `exe`, every library it needs at the path where
 * the host's loader finds it (libc and the rest included: a container has no kernel that supplies them), its
 * interpreter (PT_INTERP) and the app's `files`, copied into `rootfs`.
 */
export async function programRootfs(manifest: Manifest, rootfs: string, exe: string): Promise<void> {
  const contents = await collectContents(manifest, { programGuest: exe, libraryDir: null, provided: new Set() });
  const interp = manifest.program ? contents.objects[0]?.elf.interp : null;
  const files = [...contents.files, ...(interp ? [{ guest: interp, host: realpathSync(interp) }] : [])];
  for (const f of files) {
    const to = join(rootfs, f.guest);
    await fsp.mkdir(dirname(to), { recursive: true });
    await fsp.copyFile(f.host, to);
    await fsp.chmod(to, (await fsp.stat(f.host)).mode & 0o7777);
  }
}
