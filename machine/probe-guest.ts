import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { failure } from '../lib/errors.js';
import type { Layout } from '../lib/home.js';
import { packageRoot } from '../lib/package-root.js';
import { compiledOnce } from './compiled.js';

/**
 * Compile the probe/fixture guest (machine/guest/probe-guest.c) with the host gcc into UNIK_HOME/probes,
 * once per source version. A 32-bit multiboot ELF: QEMU's -kernel loads it on every machine type.
 */
export async function probeGuest(l: Layout): Promise<string> {
  const sources = ['machine/guest/probe-guest.c', 'machine/guest/link.ld'];
  const [src, ld] = sources.map((f) => join(packageRoot(), f));
  try {
    return await compiledOnce(l, 'probe-guest', sources, async (out) => {
      // execa loads only when something is compiled: a run finds the guest already built.
      const { execa } = await import('execa');
      const obj = out + '.o';
      try {
        await execa('gcc', ['-m32', '-ffreestanding', '-fno-pic', '-fno-stack-protector', '-fno-asynchronous-unwind-tables', '-O2', '-c', src, '-o', obj]);
        await execa('ld', ['-m', 'elf_i386', '--no-warn-rwx-segments', '-T', ld, '-o', out, obj]);
      } finally {
        await fsp.rm(obj, { force: true });
      }
    });
  } catch (e) {
    throw failure(`could not compile the probe guest with gcc/ld: ${(e as { stderr?: string }).stderr?.trim().split('\n').at(-1) ?? e}`);
  }
}
