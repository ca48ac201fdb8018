import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** OSv's name for the Linux dynamic loader on x86-64 (include/osv/elf.hh linux_dl_soname). */
const LINUX_DL_SONAME = 'ld-linux-x86-64.so.2';

/** Preprocessor conditions that are false for unik's x86-64 kernels. */
const SKIPPED_CONDITION = /^#\s*if.*(__aarch64__|BOOST_VERSION)/;

/**
 * Pure: the shared libraries an OSv kernel supplies itself, read from core/elf.cc's `supplied_modules` list as
 * the checkout has it: what a program image must not carry. Entries under `#ifdef __aarch64__` are another
 * architecture's, and `BOOST_VERSION < 106900` is false with Debian 12's boost 1.74; `HIDE_SYMBOLS < 1` holds
 * for unik's kernels (conf_hide_symbols=0, OSv's default), so libstdc++ counts.
 */
export function suppliedModules(elfCc: string): string[] {
  const start = elfCc.indexOf('supplied_modules');
  const end = elfCc.indexOf('};', start);
  if (start < 0 || end < 0) throw new Error('core/elf.cc has no supplied_modules list');
  const out: string[] = [];
  let depth = 0;
  let skipAt = -1;
  for (const raw of elfCc.slice(start, end).split('\n')) {
    const line = raw.trim();
    if (/^#\s*if/.test(line)) {
      depth++;
      if (skipAt < 0 && SKIPPED_CONDITION.test(line)) skipAt = depth;
    } else if (/^#\s*endif/.test(line)) {
      if (skipAt === depth) skipAt = -1;
      depth--;
    } else if (skipAt < 0) {
      if (/^linux_dl_soname\b/.test(line)) out.push(LINUX_DL_SONAME);
      for (const m of line.matchAll(/"([^"]+)"/g)) out.push(m[1]!);
    }
  }
  return out;
}

/** The supplied libraries of the OSv checkout at `osvDir`. */
export const osvSuppliedModules = (osvDir: string): string[] => suppliedModules(readFileSync(join(osvDir, 'core', 'elf.cc'), 'utf8'));
