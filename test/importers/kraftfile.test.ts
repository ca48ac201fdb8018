import { describe, expect, it } from 'vitest';
import { translateKraftfile } from '../../importers/kraftfile.js';
import { project } from './project.js';

const MK = '$(eval $(call addlib,appx))\nAPPX_SRCS-y += $(APPX_BASE)/main.c\n';
const kraft = (kraftfile: string, others = ['main.c', 'main.h'], dirs: string[] = []) =>
  translateKraftfile(project({ Kraftfile: kraftfile, 'Makefile.uk': MK }, others, dirs), 'Kraftfile');

describe('translateKraftfile', () => {
  it('v0.6: name, cmd, lwIP → a net device, Makefile.uk sources + headers beside them, other targets skipped', () => {
    const t = kraft(
      [
        'spec: v0.6',
        'name: Web_App',
        'unikraft:',
        '  version: stable',
        '  kconfig:',
        '    - CONFIG_LIBPOSIX_SOCKET=y',
        'libraries:',
        '  lwip:',
        '    kconfig:',
        '      CONFIG_LWIP_TCP: "y"',
        'cmd: ["-p", "80"]',
        'targets:',
        '  - qemu/x86_64',
        '  - plat: fc',
        '    arch: x86_64',
      ].join('\n'),
    );
    expect(t.manifest).toEqual({ name: 'web-app', target: 'unikraft', sources: ['main.c', 'main.h'], cmdline: ['-p', '80'], devices: { net: { ports: [] } } });
    expect(t.untranslated.map((n) => `${n.line}:${n.construct}`)).toEqual(['3:unikraft: stable', '14:target fc/x86_64', 'null:devices.net.ports']);
    expect(t.translated.find((n) => n.construct === 'CONFIG_LWIP_TCP=y')).toMatchObject({ file: 'Kraftfile', line: 10 });
  });

  it('v0.5: specification, long-hand targets', () => {
    const t = kraft('specification: v0.5\nunikraft: stable\ntargets:\n  - platform: xen\n    architecture: x86_64\n  - platform: qemu\n    architecture: x86_64\n');
    expect(t.manifest).toEqual({ name: 'my-project', target: 'unikraft', sources: ['main.c', 'main.h'] });
    expect(t.untranslated.map((n) => n.construct)).toEqual(['unikraft: stable', 'target xen/x86_64']);
  });

  it('musl → libc: musl; C++ sources with LLVM\'s libraries named → no libc key (C++ implies musl)', () => {
    const musl = kraft('spec: v0.6\nlibraries:\n  musl: stable\n  libcxx: stable\n');
    expect(musl.manifest).toMatchObject({ libc: 'musl', sources: ['main.c', 'main.h'] });
    expect(musl.untranslated.map((n) => n.construct)).toContain('library libcxx');
    const cxx = translateKraftfile(project({ Kraftfile: 'spec: v0.6\nlibraries:\n  libcxx: stable\n  libcxxabi: stable\n  musl: stable\n', 'Makefile.uk': '$(eval $(call addlib,appx))\nAPPX_SRCS-y += $(APPX_BASE)/hello.cpp\n' }, ['hello.cpp']), 'Kraftfile');
    expect(cxx.manifest).toEqual({ name: 'my-project', target: 'unikraft', sources: ['hello.cpp'] });
    expect(cxx.translated.filter((n) => n.construct.startsWith('library ')).map((n) => n.construct)).toEqual(['library libcxx', 'library libcxxabi', 'library musl']);
  });

  it.each([
    ['Rust', ['Cargo.toml', 'src/main.rs']],
    ['Go', ['go.mod', 'main.go']],
  ])('a %s app is refused as such, not for its missing Makefile.uk', (language, files) => {
    const p = project({ Kraftfile: 'spec: v0.6\nlibraries:\n  musl: stable\n' }, files);
    expect(() => translateKraftfile(p, 'Kraftfile')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(new RegExp(`^Kraftfile:1: ${language} app: ${language} apps are not supported yet`)) }));
  });

  it('volumes become shares when the directory is in the project; kernel parameters before -- are reported', () => {
    const t = kraft(
      'spec: v0.6\nname: s\nunikraft:\n  kconfig:\n    CONFIG_LIB9PFS: "y"\nvolumes:\n  - ./www:/www\n  - source: gone\n    destination: /gone\n  - ./www:/\n  - { source: www, destination: /x, driver: initrd }\ncmd: "vfs.fstab=[] -- /www/a \'b c\'"\ntargets: [qemu/x86_64]\n',
      ['main.c'],
      ['www'],
    );
    expect(t.manifest.devices).toEqual({ share: [{ source: 'www', dest: '/www' }] });
    expect(t.manifest.cmdline).toEqual(['/www/a', 'b c']);
    expect(t.untranslated.map((n) => n.construct)).toEqual(['volume gone:/gone', 'volume ./www:/', 'volume www:/x', 'cmd vfs.fstab=[] --']);
    expect(t.warnings).toEqual([]);
  });

  it('block drivers and 9pfs without a volume are reported, not guessed; no qemu target still builds qemu/x86_64', () => {
    const t = kraft('spec: "0.6"\nunikraft:\n  kconfig:\n    CONFIG_LIBVIRTIO_BLK: "y"\n    CONFIG_LIB9PFS: "y"\n    CONFIG_LIBUKDEBUG: "n"\ntargets: [fc/x86_64]\n');
    expect(t.manifest.devices).toBeUndefined();
    expect(t.translated.some((n) => n.construct === 'targets' && /found fc\/x86_64/.test(n.message))).toBe(true);
    expect(t.untranslated.map((n) => n.construct)).toEqual(['CONFIG_LIBUKDEBUG=n', 'target fc/x86_64']);
    expect(t.warnings.map((n) => n.construct)).toEqual(['devices.share', 'devices.block']);
  });

  it.each([
    ['name: x\n', /^Kraftfile:1: spec: expected spec v0\.5 or v0\.6, found none$/],
    ['spec: v0.4\nname: x\n', /^Kraftfile:1: spec: v0\.4: expected spec v0\.5 or v0\.6, found an unknown version$/],
    ['spec: v0.6\nruntime: unikraft.org/nginx:latest\n', /^Kraftfile:2: runtime: builds on a prebuilt kraft runtime/],
    ['spec: v0.6\nunikraft:\n  kconfig:\n    - CONFIG_LIBVIRTIO_MMIO=y\n', /^Kraftfile:4: CONFIG_LIBVIRTIO_MMIO=y: adds a driver unik does not model/],
    ['spec: v0.6\nlibraries:\n  lwip:\n    kconfig:\n      CONFIG_PLAT_XEN: "y"\n', /^Kraftfile:5: CONFIG_PLAT_XEN=y: adds a driver unik does not model/],
    ['spec: v0.6\ncmd: ["say \\"hi\\""]\n', /^Kraftfile:2: cmd: argument "say \\"hi\\"" holds a double quote/],
    ['spec: v0.6\nname: x: y\n', /^Kraftfile:2: YAML: expected valid YAML, found a syntax error/],
    ['spec: v0.6\nname: "123"\n', /^Kraftfile:2: name "123": expected a name with at least one letter/],
    // A library unik does not have: the app's code that uses it would not compile, so no unik.yaml promises a build.
    ['spec: v0.6\nlibraries:\n  sqlite: stable\n', /^Kraftfile:3: library sqlite: unik has no pinned lib-sqlite .* would not compile$/],
  ])('untranslatable: %j → one line naming file, line and construct (exit 2)', (text, message) => {
    expect(() => kraft(text)).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(message) }));
  });

  it('needs a Makefile.uk, and at least one of its sources present', () => {
    expect(() => translateKraftfile(project({ Kraftfile: 'spec: v0.6\n' }), 'Kraftfile')).toThrow(/^Kraftfile:1: Makefile\.uk: expected a Makefile\.uk beside the Kraftfile/);
    expect(() => kraft('spec: v0.6\n', [])).toThrow(/^Makefile\.uk: \*_SRCS-y: expected at least one C source/);
  });
});
