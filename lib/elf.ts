/**
 * Reading what a dynamic loader reads from an x86-64 ELF file: its type, interpreter, DT_NEEDED, RUNPATH/RPATH,
 * SONAME and dynamic symbols. Pure: bytes in, facts out. Only ELF64 little-endian is read (unik's guests are
 * x86_64); anything else is named as such, not misread.
 */
export interface ElfSymbol {
  name: string;
  /** Undefined here (imported from another object). */
  undefined: boolean;
  weak: boolean;
  /** STT_FUNC, STT_OBJECT, ... (the ELF st_info type). */
  type: number;
  /**
   * Bound when the object is loaded: named by a relocation other than a PLT slot (GLOB_DAT, a pointer in data).
   * A symbol only PLT slots name is bound lazily, at its first call.
   */
  boundAtLoad: boolean;
}

export interface ElfInfo {
  /** ET_EXEC (2) or ET_DYN (3). */
  type: number;
  machine: number;
  interp: string | null;
  needed: string[];
  /** DT_RUNPATH split on ':' (empty when absent). */
  runpath: string[];
  /** DT_RPATH split on ':' (glibc honours it only when the object has no RUNPATH). */
  rpath: string[];
  soname: string | null;
  /** Global and weak symbols of .dynsym (locals and the null entry left out). */
  symbols: ElfSymbol[];
}

export const ET_EXEC = 2;
export const ET_DYN = 3;
export const EM_X86_64 = 0x3e;

/** The ELF constants read here (elf.h's values). */
const SHT = { rela: 4, dynamic: 6, dynsym: 11 } as const;
const DT = { needed: 1, soname: 14, rpath: 15, runpath: 29 } as const;
const STB = { global: 1, weak: 2 } as const;
const PT_INTERP = 3;
const R_X86_64_JUMP_SLOT = 7;
const SHN_UNDEF = 0;

export class ElfError extends Error {}

/** Pure: whether the bytes start like an ELF file. */
export const isElf = (b: Uint8Array): boolean => b.length >= 4 && b[0] === 0x7f && b[1] === 0x45 && b[2] === 0x4c && b[3] === 0x46;

const cstr = (b: Buffer, at: number): string => {
  const end = b.indexOf(0, at);
  return b.toString('latin1', at, end < 0 ? b.length : end);
};

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  entsize: number;
}

/** Pure: the dynamic-linking facts of an ELF64 x86-64 file. Throws ElfError naming what is not as expected. */
export function readElf(b: Buffer): ElfInfo {
  if (!isElf(b)) throw new ElfError('not an ELF file');
  if (b[4] !== 2 || b[5] !== 1) throw new ElfError('not a 64-bit little-endian ELF file');
  const type = b.readUInt16LE(16);
  const machine = b.readUInt16LE(18);
  if (machine !== EM_X86_64) throw new ElfError(`an ELF file for machine ${machine}, not x86-64`);
  const phoff = Number(b.readBigUInt64LE(32));
  const shoff = Number(b.readBigUInt64LE(40));
  const phentsize = b.readUInt16LE(54);
  const phnum = b.readUInt16LE(56);
  const shentsize = b.readUInt16LE(58);
  const shnum = b.readUInt16LE(60);
  if (shoff + shnum * shentsize > b.length || phoff + phnum * phentsize > b.length) throw new ElfError('a truncated ELF file');

  let interp: string | null = null;
  for (let i = 0; i < phnum; i++) {
    const p = phoff + i * phentsize;
    if (b.readUInt32LE(p) === PT_INTERP) interp = cstr(b, Number(b.readBigUInt64LE(p + 8)));
  }

  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const s = shoff + i * shentsize;
    sections.push({
      type: b.readUInt32LE(s + 4),
      offset: Number(b.readBigUInt64LE(s + 24)),
      size: Number(b.readBigUInt64LE(s + 32)),
      link: b.readUInt32LE(s + 40),
      entsize: Number(b.readBigUInt64LE(s + 56)),
    });
  }
  const inFile = (s: Section) => s.offset + s.size <= b.length;

  const info: ElfInfo = { type, machine, interp, needed: [], runpath: [], rpath: [], soname: null, symbols: [] };
  const dynamic = sections.find((s) => s.type === SHT.dynamic && inFile(s));
  if (dynamic) {
    const strtab = sections[dynamic.link];
    if (!strtab || !inFile(strtab)) throw new ElfError('a dynamic section without its string table');
    const str = (off: number) => cstr(b, strtab.offset + off);
    for (let at = dynamic.offset; at + 16 <= dynamic.offset + dynamic.size; at += 16) {
      const tag = Number(b.readBigInt64LE(at));
      if (tag === 0) break;
      const val = Number(b.readBigUInt64LE(at + 8));
      if (tag === DT.needed) info.needed.push(str(val));
      else if (tag === DT.soname) info.soname = str(val);
      else if (tag === DT.runpath) info.runpath = str(val).split(':').filter(Boolean);
      else if (tag === DT.rpath) info.rpath = str(val).split(':').filter(Boolean);
    }
  }
  const dynsymIndex = sections.findIndex((s) => s.type === SHT.dynsym && inFile(s));
  const dynsym = sections[dynsymIndex];
  if (dynsym) {
    const strtab = sections[dynsym.link];
    if (!strtab || !inFile(strtab)) throw new ElfError('a dynamic symbol table without its string table');
    // Symbol indexes named by relocations that the loader applies at load time (anything but a PLT slot).
    const atLoad = new Set<number>();
    for (const rela of sections.filter((s) => s.type === SHT.rela && s.link === dynsymIndex && inFile(s))) {
      for (let at = rela.offset; at + 24 <= rela.offset + rela.size; at += rela.entsize || 24) {
        const info = b.readBigUInt64LE(at + 8);
        if (Number(info & 0xffffffffn) !== R_X86_64_JUMP_SLOT) atLoad.add(Number(info >> 32n));
      }
    }
    const size = dynsym.entsize || 24;
    for (let i = 1, at = dynsym.offset + size; at + size <= dynsym.offset + dynsym.size; i++, at += size) {
      const bind = b[at + 4]! >> 4;
      if (bind !== STB.global && bind !== STB.weak) continue;
      const name = cstr(b, strtab.offset + b.readUInt32LE(at));
      if (!name) continue;
      info.symbols.push({ name, undefined: b.readUInt16LE(at + 6) === SHN_UNDEF, weak: bind === STB.weak, type: b[at + 4]! & 0xf, boundAtLoad: atLoad.has(i) });
    }
  }
  return info;
}
