import { basename } from 'node:path';
import type { ElfInfo } from '../../lib/elf.js';
import type { ContentObject } from '../../programs/contents.js';

/** Functions that start another process or detach from the terminal: OSv runs one process and has neither. */
export const PROCESS_FUNCTIONS = [
  'fork', 'vfork', 'daemon', 'setsid', 'execve', 'execv', 'execvp', 'execvpe', 'execl', 'execlp', 'execle', 'fexecve',
  'posix_spawn', 'posix_spawnp', 'system', 'popen',
] as const;

/**
 * Pure: the process functions the program itself imports. Its libraries are not judged: they carry such calls
 * for features the program may never use (libsystemd, libcrypto), and only the program's configuration decides.
 */
export function processImports(program: ElfInfo): string[] {
  const imported = new Set(program.symbols.filter((s) => s.undefined).map((s) => s.name));
  return PROCESS_FUNCTIONS.filter((f) => imported.has(f));
}

export interface MissingSymbol {
  symbol: string;
  /** The object that imports it, by file name (the program's or a library's). */
  object: string;
  /**
   * When OSv fails on it: 'load' (a data or pointer relocation: the guest aborts while loading) or 'call' (only
   * PLT slots name it: OSv binds those lazily, even under BIND_NOW, so the guest aborts at the first call).
   */
  when: 'load' | 'call';
}

/**
 * Pure: the symbols that would abort the guest: imported (not weak) by the program or a collected library, and
 * defined neither by the kernel (`exported`: its dynamic symbol table) nor by any collected object. OSv binds
 * by name, so symbol versions play no part.
 */
export function missingSymbols(objects: ContentObject[], exported: ReadonlySet<string>): MissingSymbol[] {
  const defined = new Set(exported);
  for (const o of objects) for (const s of o.elf.symbols) if (!s.undefined) defined.add(s.name);
  const out: MissingSymbol[] = [];
  const seen = new Set<string>();
  for (const o of objects) {
    for (const s of o.elf.symbols) {
      if (!s.undefined || s.weak || defined.has(s.name)) continue;
      const key = `${s.name}\0${o.host}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ symbol: s.name, object: basename(o.guest), when: s.boundAtLoad ? 'load' : 'call' });
    }
  }
  return out;
}

/** Pure: the kernel's exported symbols: the defined global and weak entries of its dynamic symbol table. */
export const kernelExports = (kernel: ElfInfo): Set<string> => new Set(kernel.symbols.filter((s) => !s.undefined).map((s) => s.name));
