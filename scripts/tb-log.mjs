// Shared by the TCG block profiles (osv-tb-profile.mjs, mirage-tb-profile.mjs): read QEMU's `-d in_asm` log and
// name guest addresses from a kernel's symbols.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** Every block TCG translated, in order: its first guest address and how many guest instructions it holds. */
export function translatedBlocks(logPath) {
  const blocks = [];
  let open = null;
  for (const line of readFileSync(logPath, 'utf8').split('\n')) {
    if (line.startsWith('IN:')) open = null;
    if (!line.startsWith('0x')) continue;
    if (open === null) blocks.push((open = { addr: Number.parseInt(line.slice(0, line.indexOf(':')), 16), insns: 0 }));
    open.insns++;
  }
  return blocks;
}

/** Text symbols of an ELF file (`nm -n`, demangled with `-C`), sorted by address: [address, name][]. */
export function textSymbols(elf, demangle = false) {
  const nm = spawnSync('nm', [demangle ? '-nC' : '-n', elf], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return nm.stdout.split('\n').map((l) => /^([0-9a-f]+) [tTwW] (.+)$/.exec(l)).filter(Boolean).map((m) => [Number.parseInt(m[1], 16), m[2]]);
}

/** The symbol at or below an address (binary search over textSymbols' result); null below the first. */
export function symbolAt(syms, addr) {
  if (!syms.length || addr < syms[0][0]) return null;
  let lo = 0;
  let hi = syms.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (syms[mid][0] <= addr) lo = mid;
    else hi = mid - 1;
  }
  return syms[lo][1];
}
