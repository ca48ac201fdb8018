import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { tempSibling } from '../lib/atomic.js';
import type { Layout } from '../lib/home.js';
import { ownFileStamp } from '../lib/own-file-stamp.js';
import { quickHash } from '../lib/quick-hash.js';

/**
 * A program unik compiles from its own sources on the user's machine (the probe guest, the reaper, the TSC
 * meter): built once per source version into UNIK_HOME/probes/<name>-<hash>, into a temp path renamed into
 * place, so a half-built file is never found. `sources` are paths under the package root; `compile(out)` writes
 * the result to `out`; `flags` (how it is compiled) name the build with the sources.
 */
export async function compiledOnce(l: Layout, name: string, sources: string[], compile: (out: string) => Promise<void>, flags: readonly string[] = []): Promise<string> {
  // The compiler flags are part of the version: a program built otherwise is another build.
  const out = join(l.probes, `${name}-${quickHash(new TextEncoder().encode([...sources.map(ownFileStamp), ...flags].join('\0')))}`);
  if (existsSync(out)) return out;
  await fsp.mkdir(l.probes, { recursive: true });
  const tmp = tempSibling(out);
  try {
    await compile(tmp);
    await fsp.rename(tmp, out);
  } finally {
    await fsp.rm(tmp, { force: true });
  }
  return out;
}
