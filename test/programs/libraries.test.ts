import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandDst, hostLoaderConfig, MissingLibrary, resolveLibraries } from '../../programs/libraries.js';
import { tmpTree } from '../helpers/tmp.js';

const dir = tmpTree({
  'b.c': 'int b(void) { return 2; }\n',
  'a.c': 'extern int b(void);\nint a(void) { return b() + 1; }\n',
  'main.c': 'extern int a(void);\n#include <zlib.h>\nint main(void) { return a() + (zlibVersion() ? 0 : 1); }\n',
});
mkdirSync(join(dir, 'lib'));
mkdirSync(join(dir, 'deps'));
const gcc = (...args: string[]) => execFileSync('gcc', args, { cwd: dir });
gcc('-shared', '-fPIC', '-Wl,-soname,libb.so.1', '-o', 'deps/libb.so.1', 'b.c');
// liba finds libb through an RPATH its loader (the program) carries: RPATH is inherited, RUNPATH is not.
gcc('-shared', '-fPIC', '-Wl,-soname,liba.so.1', '-o', 'lib/liba.so.1', 'a.c', 'deps/libb.so.1');
gcc('-o', 'prog', 'main.c', 'lib/liba.so.1', '-lz', '-Wl,-rpath-link,deps', '-Wl,-rpath,$ORIGIN/lib:$ORIGIN/deps', '-Wl,--disable-new-dtags');
gcc('-o', 'prog-runpath', 'main.c', 'lib/liba.so.1', '-lz', '-Wl,-rpath-link,deps', '-Wl,-rpath,$ORIGIN/lib:$ORIGIN/deps', '-Wl,--enable-new-dtags');

const none = new Set<string>();

describe('resolveLibraries', () => {
  it('finds DT_NEEDED breadth first through $ORIGIN RPATH (inherited by liba) and the ld.so.cache, each once', () => {
    const libs = resolveLibraries([join(dir, 'prog')], none);
    expect(libs.map((l) => l.soname)).toEqual(['liba.so.1', 'libz.so.1', 'libc.so.6', 'libb.so.1', 'ld-linux-x86-64.so.2']);
    expect(libs[0]).toMatchObject({ path: join(dir, 'lib', 'liba.so.1'), neededBy: join(dir, 'prog') });
    expect(libs[3]).toMatchObject({ path: join(dir, 'deps', 'libb.so.1'), neededBy: join(dir, 'lib', 'liba.so.1') });
    // libz comes from the cache; its real path is the versioned file the symlink names.
    expect(libs[1]!.real).toMatch(/\/libz\.so\.1\.[0-9.]+$/);
  });

  it("does not let RUNPATH reach a library's own dependencies, as glibc does not", () => {
    expect(() => resolveLibraries([join(dir, 'prog-runpath')], none)).toThrow(MissingLibrary);
    expect(() => resolveLibraries([join(dir, 'prog-runpath')], none)).toThrow(/^libb\.so\.1 \(needed by .*liba\.so\.1\) was not found/);
  });

  it('leaves out what the kernel provides, and does not follow it', () => {
    const libs = resolveLibraries([join(dir, 'prog')], new Set(['libc.so.6', 'libz.so.1']));
    expect(libs.map((l) => l.soname)).toEqual(['liba.so.1', 'libb.so.1']);
  });

  it('searches the default directories when the cache is empty', () => {
    const libs = resolveLibraries([join(dir, 'prog')], new Set(['libc.so.6']), { ...hostLoaderConfig(), cache: new Map() });
    expect(libs.find((l) => l.soname === 'libz.so.1')?.path).toMatch(/^\/(usr\/)?lib\/x86_64-linux-gnu\/libz\.so\.1$/);
  });

  it('expands $ORIGIN, ${ORIGIN}, $LIB and $PLATFORM', () => {
    expect(expandDst('$ORIGIN/../lib:${ORIGIN}/x/$LIB/$PLATFORM', '/opt/app/bin')).toBe('/opt/app/bin/../lib:/opt/app/bin/x/lib/x86_64-linux-gnu/x86_64');
  });
});
