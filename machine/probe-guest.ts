import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import { failure } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import { packageRoot } from '../lib/package-root.js';

/**
 * Compile the probe/fixture guest (machine/guest/probe-guest.c) with the host gcc into UNIK_HOME/probes,
 * once per source version. A 32-bit multiboot ELF: QEMU's -kernel loads it on every machine type.
 */
export async function probeGuest(l: Layout): Promise<string> {
  const dir = join(packageRoot(), 'machine', 'guest');
  const [src, ld] = await Promise.all([readFile(join(dir, 'probe-guest.c')), readFile(join(dir, 'link.ld'))]);
  const hash = createHash('sha256').update(src).update(ld).digest('hex').slice(0, 12);
  const out = join(l.probes, `probe-guest-${hash}.elf`);
  if (existsSync(out)) return out;
  await mkdir(l.probes, { recursive: true });
  const obj = tempSibling(out + '.o');
  const tmp = tempSibling(out);
  try {
    await execa('gcc', ['-m32', '-ffreestanding', '-fno-pic', '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-O2', '-c', join(dir, 'probe-guest.c'), '-o', obj]);
    await execa('ld', ['-m', 'elf_i386', '--no-warn-rwx-segments', '-T', join(dir, 'link.ld'), '-o', tmp, obj]);
    await rename(tmp, out);
  } catch (e) {
    throw failure(`could not compile the probe guest with gcc/ld: ${(e as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? e}`);
  } finally {
    await rm(obj, { force: true });
    await rm(tmp, { force: true });
  }
  return out;
}
