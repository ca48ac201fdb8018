import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ElfError, ET_DYN, readElf } from '../../lib/elf.js';
import { tmpTree } from '../helpers/tmp.js';

const dir = tmpTree({
  'lib.c': 'int shared_value(void) { return 42; }\n',
  'main.c': 'extern int shared_value(void);\n#include <unistd.h>\nint main(void) { return shared_value() + (int)getpid() * 0; }\n',
});
execFileSync('gcc', ['-shared', '-fPIC', '-Wl,-soname,libv.so.1', '-o', join(dir, 'libv.so.1'), join(dir, 'lib.c')]);
execFileSync('gcc', ['-fPIE', '-pie', '-o', join(dir, 'main'), join(dir, 'main.c'), join(dir, 'libv.so.1'), `-Wl,-rpath,$ORIGIN/lib:/opt/x`, '-Wl,--enable-new-dtags']);

describe('readElf', () => {
  it('reads type, interpreter, DT_NEEDED in order, RUNPATH and imported symbols of a PIE gcc built', () => {
    const e = readElf(readFileSync(join(dir, 'main')));
    expect(e.type).toBe(ET_DYN);
    expect(e.interp).toBe('/lib64/ld-linux-x86-64.so.2');
    expect(e.needed).toEqual(['libv.so.1', 'libc.so.6']);
    expect(e.runpath).toEqual(['$ORIGIN/lib', '/opt/x']);
    expect(e.rpath).toEqual([]);
    const imports = e.symbols.filter((s) => s.undefined).map((s) => s.name);
    expect(imports).toEqual(expect.arrayContaining(['shared_value', 'getpid', '__libc_start_main']));
    expect(e.symbols.find((s) => s.name === '__gmon_start__')).toMatchObject({ undefined: true, weak: true });
    // A PLT call is bound lazily; the start routine's GOT slot is bound at load.
    expect(e.symbols.find((s) => s.name === 'getpid')).toMatchObject({ boundAtLoad: false });
    expect(e.symbols.find((s) => s.name === '__libc_start_main')).toMatchObject({ boundAtLoad: true });
  });

  it("reads a shared object's SONAME and the symbols it defines", () => {
    const e = readElf(readFileSync(join(dir, 'libv.so.1')));
    expect(e.soname).toBe('libv.so.1');
    expect(e.interp).toBeNull();
    expect(e.symbols.find((s) => s.name === 'shared_value')).toMatchObject({ undefined: false, weak: false, type: 2 });
  });

  it('reads DT_RPATH where the linker writes the old tag', () => {
    execFileSync('gcc', ['-o', join(dir, 'old'), join(dir, 'main.c'), join(dir, 'libv.so.1'), '-Wl,-rpath,/opt/old', '-Wl,--disable-new-dtags']);
    const e = readElf(readFileSync(join(dir, 'old')));
    expect(e.rpath).toEqual(['/opt/old']);
    expect(e.runpath).toEqual([]);
  });

  it('names what is not an x86-64 ELF file instead of misreading it', () => {
    writeFileSync(join(dir, 'text'), '#!/bin/sh\n');
    expect(() => readElf(readFileSync(join(dir, 'text')))).toThrow(new ElfError('not an ELF file'));
    const b = Buffer.from(readFileSync(join(dir, 'main')));
    b.writeUInt16LE(0xb7, 18);
    expect(() => readElf(b)).toThrow(/machine 183, not x86-64/);
    expect(() => readElf(b.subarray(0, 100).fill(0x7f, 0, 1))).toThrow(ElfError);
  });
});
