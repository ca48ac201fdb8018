import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ElfInfo, ElfSymbol } from '../../../lib/elf.js';
import { osvAppend, osvEnvOptions } from '../../../targets/osv/boot.js';
import { missingSymbols, processImports } from '../../../targets/osv/program-checks.js';
import { osvSuppliedModules, suppliedModules } from '../../../targets/osv/provided.js';
import { contentManifest } from '../../../targets/osv/render.js';
import { productSource } from '../../helpers/toolchain.js';

const sym = (name: string, undef: boolean, weak = false, boundAtLoad = false): ElfSymbol => ({ name, undefined: undef, weak, type: 2, boundAtLoad });
const elf = (symbols: ElfSymbol[]): ElfInfo => ({ type: 3, machine: 62, interp: null, needed: [], runpath: [], rpath: [], soname: null, symbols });

describe('OSv program images', () => {
  it("reads the kernel's supplied libraries from core/elf.cc, x86-64 and modern boost only", () => {
    const src = `    static const auto supplied_modules = {
          linux_dl_soname,
          "libc.so.6",
#ifdef __x86_64__
          "libc.musl-x86_64.so.1",
#if BOOST_VERSION < 106900
#if HIDE_SYMBOLS < 1
          "libboost_system.so.1.55.0",
#endif
#endif
#endif /* __x86_64__ */
#ifdef __aarch64__
          "libboost_system-mt.so.1.55.0",
#endif /* __aarch64__ */
#if HIDE_SYMBOLS < 1
          "libstdc++.so.6",
#endif
          "libutil.so",
    };`;
    expect(suppliedModules(src)).toEqual(['ld-linux-x86-64.so.2', 'libc.so.6', 'libc.musl-x86_64.so.1', 'libstdc++.so.6', 'libutil.so']);
  });

  const osv = productSource('osv', "OSv supplied-modules check against the pinned checkout");
  it.skipIf(!osv)('at the pinned OSv: libc, libm, libpthread, libdl, librt, libresolv, libcrypt, libaio, ld-linux and libstdc++', () => {
    expect(existsSync(join(osv!, 'core', 'elf.cc'))).toBe(true);
    expect(osvSuppliedModules(osv!)).toEqual(expect.arrayContaining(['libc.so.6', 'libm.so.6', 'libpthread.so.0', 'libdl.so.2', 'librt.so.1', 'libresolv.so.2', 'libcrypt.so.1', 'libaio.so.1', 'ld-linux-x86-64.so.2', 'libstdc++.so.6']));
  });

  it('finds the process functions a program imports (not those it defines)', () => {
    expect(processImports(elf([sym('fork', true), sym('execve', true), sym('printf', true), sym('system', false)]))).toEqual(['fork', 'execve']);
  });

  it('lists symbols neither the kernel nor a collected object defines, once per importer; weak ones may stay unbound', () => {
    const objects = [
      { guest: '/app', host: '/h/app', elf: elf([sym('printf', true), sym('lib_fn', true), sym('io_uring_setup', true), sym('__gmon_start__', true, true)]) },
      { guest: '/usr/lib/libx.so.1', host: '/h/libx', elf: elf([sym('lib_fn', false), sym('io_uring_setup', true), sym('environ_x', true, false, true)]) },
    ];
    expect(missingSymbols(objects, new Set(['printf']))).toEqual([
      { symbol: 'io_uring_setup', object: 'app', when: 'call' },
      { symbol: 'io_uring_setup', object: 'libx.so.1', when: 'call' },
      { symbol: 'environ_x', object: 'libx.so.1', when: 'load' },
    ]);
  });

  it('maps contents by index in the staging directory, so no host name reaches usr.manifest', () => {
    const files = [{ guest: '/nginx', host: '/usr/sbin/nginx' }, { guest: '/etc/nginx/nginx.conf', host: '/home/me/app/nginx.conf' }];
    expect(contentManifest(files, 'rofs')).toEqual({
      lines: '/nginx: content/0\n/etc/nginx/nginx.conf: content/1\n',
      links: { 'content/0': '/usr/sbin/nginx', 'content/1': '/home/me/app/nginx.conf' },
    });
    expect(contentManifest(files, 'ramfs').lines).toContain('/nginx: unik-app/content/0\n');
  });

  it('passes env as loader options before the app, a blank escaped as OSv takes it', () => {
    expect(osvEnvOptions({ LANG: 'C.UTF-8', GREETING: 'hi there' })).toEqual(['--env=LANG=C.UTF-8', '--env=GREETING=hi\\ there']);
    expect(osvAppend('lua-osv', 'rofs', ['/app/x.lua'], null, false, { A: 'b' })).toBe('--rootfs=rofs --env=A=b /lua-osv "/app/x.lua"');
  });
});
