#!/usr/bin/env node
/**
 * Stands in for wget when Unikraft's build fetches a library archive ($(WGET) ... -O DEST URL).
 * Serves the archive from unik's cache after checking its sha256 against the sources lock, so builds
 * run offline and a tampered or corrupt cache is refused instead of silently unpacked.
 */
import { existsSync, readFileSync, promises as fsp } from 'node:fs';
import { tempSibling } from '../../lib/atomic.js';
import { archiveProblem } from '../../sources/archive-check.js';
import type { SourcesLock } from '../../sources/cache.js';

async function main(argv: string[]): Promise<number> {
  const o = argv.indexOf('-O');
  const dest = o >= 0 ? argv[o + 1] : undefined;
  const url = argv.filter((a, i) => !a.startsWith('-') && i !== o + 1).at(-1);
  const lockPath = process.env.UNIK_SOURCES_LOCK;
  if (!dest || !url || !lockPath) {
    process.stderr.write(`unik fetch: expected "-O DEST URL" and UNIK_SOURCES_LOCK, got ${JSON.stringify(argv)}\n`);
    return 1;
  }
  const lock: Pick<SourcesLock, 'archives'> = existsSync(lockPath) ? JSON.parse(readFileSync(lockPath, 'utf8')) : { archives: {} };
  const entry = lock.archives[url];
  if (!entry) {
    process.stderr.write(
      `unik fetch: ${url} is not in unik's archive cache (builds are offline); ` +
        `add it with "unik sources add-archive ${url} <file>" or add the source that provides it\n`,
    );
    return 1;
  }
  const bad = await archiveProblem(entry);
  if (bad) {
    process.stderr.write(`unik fetch: ${bad}; refusing it\n`);
    return 1;
  }
  const tmp = tempSibling(dest);
  await fsp.copyFile(entry.path, tmp);
  await fsp.rename(tmp, dest);
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
