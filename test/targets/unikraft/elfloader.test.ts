import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { qemuArgv } from '../../../machine/qemu-argv.js';
import type { Devices } from '../../../manifest/devices.js';
import { parseManifest } from '../../../manifest/load.js';
import { collectContents } from '../../../programs/contents.js';
import { PROGRAM_SETTING, unikraftBoot } from '../../../targets/unikraft/boot.js';
import { checkElfloaderProgram, elfloaderDrivers, elfloaderKernelKey, elfloaderLayout, renderElfloader } from '../../../targets/unikraft/elfloader.js';
import { unikraft } from '../../../targets/unikraft/index.js';
import { tmpTree } from '../../helpers/tmp.js';

const consoleOnly: Devices = { console: true, net: null, block: [], share: [] };
const app = tmpTree({ 'hello.c': 'int main(void) { return 0; }\n' });
execFileSync('cc', ['-O2', '-o', join(app, 'dyn'), join(app, 'hello.c')]);
const program = (rest = '') => parseManifest(`name: prog\ntarget: unikraft\nprogram: dyn\n${rest}`, app);

describe('program: on Unikraft (app-elfloader)', () => {
  it('is accepted by the manifest, and fork/unresolved stay OSv-only', () => {
    expect(program().program).toMatchObject({ given: 'dyn' });
    expect(() => program('fork: unused\n')).toThrow(/fork: expected no fork key/);
  });

  it('builds app-elfloader with lib-libelf, an initrd root and env, console only, the same kernel whatever the app', () => {
    const d = elfloaderDrivers(consoleOnly, program());
    expect(d.requires).toEqual(['app-elfloader', 'lib-libelf']);
    expect(d.settings).toMatchObject({ LIBVFSCORE: 'y', LIBRAMFS: 'y', LIBUKCPIO: 'y', LIBPOSIX_ENVIRON_LIBPARAM: 'y', LIBDEVFS: 'y', LIBUKDEBUG_ENABLE_ASSERT: 'n' });
    expect(unikraft.drivers(consoleOnly, 'qemu/x86_64', program('env: {A: b}\n'))).toEqual(d);
    const [defconfig] = renderElfloader(d);
    expect(defconfig!.path).toBe('defconfig');
    expect(defconfig!.content).toContain('CONFIG_UK_NAME="elfloader"');
    expect(unikraft.render(program(), d)).toEqual(renderElfloader(d));
  });

  it('refuses devices and libc in one line naming the field (exit 2)', () => {
    const net: Devices = { ...consoleOnly, net: { ports: [], guestIp: '10.0.2.15', prefix: 24, gateway: '10.0.2.2' } as unknown as Devices['net'] };
    expect(() => elfloaderDrivers(net, program())).toThrow(/devices: expected no devices for a program on target unikraft .*found net/);
    expect(() => elfloaderDrivers(consoleOnly, program('libc: musl\n'))).toThrow(/libc: expected no libc key for a program .*found "musl"/);
  });

  it('keys the shared kernel by commits, patches and defconfig, not by the order sources come in', () => {
    const a = { name: 'unikraft', commit: 'a' };
    const b = { name: 'app-elfloader', commit: 'b' };
    const p = [{ file: '0003.patch', sha256: 'x' }];
    const key = elfloaderKernelKey([a, b], p, 'D');
    expect(elfloaderKernelKey([b, a], p, 'D')).toBe(key);
    expect(elfloaderKernelKey([a, { ...b, commit: 'c' }], p, 'D')).not.toBe(key);
    expect(elfloaderKernelKey([a, b], [{ ...p[0]!, sha256: 'y' }], 'D')).not.toBe(key);
    expect(elfloaderKernelKey([a, b], p, 'E')).not.toBe(key);
  });

  it('patches elfloader kernels with 0004 on top of the patches every Unikraft image gets', () => {
    const files = (m: Parameters<NonNullable<typeof unikraft.patches>>[0]) => unikraft.patches!(m).map((p) => p.file);
    const native = parseManifest('name: n\ntarget: unikraft\nsources: [hello.c]\n', app);
    expect(files(program())).toEqual([...files(native), '0004-program-exit-ends-the-guest.patch']);
  });

  it('carries a dynamic program with its PT_INTERP loader at its path and libc where the loader finds it, once', async () => {
    const c = await collectContents(program(), elfloaderLayout(program()));
    expect(c.files.map((f) => [f.guest, f.role])).toEqual([
      ['/prog', 'program'],
      ['/lib64/ld-linux-x86-64.so.2', 'library'],
      ['/lib/x86_64-linux-gnu/libc.so.6', 'library'],
    ]);
  });

  it('refuses a program that is not position-independent in one line (exit 2): app-elfloader would refuse it at boot', async () => {
    const dir = tmpTree({ 'hello.c': 'int main(void) { return 0; }\n' });
    execFileSync('cc', ['-O2', '-no-pie', '-o', join(dir, 'dyn'), join(dir, 'hello.c')]);
    const m = parseManifest('name: prog\ntarget: unikraft\nprogram: dyn\n', dir);
    const contents = await collectContents(m, elfloaderLayout(m));
    expect(() => checkElfloaderProgram(m, contents)).toThrow(/program: expected a position-independent executable for target unikraft .*found "dyn", which is not one/);
    expect(() => checkElfloaderProgram(program(), null)).not.toThrow();
    const pie = await collectContents(program(), elfloaderLayout(program()));
    expect(() => checkElfloaderProgram(program(), pie)).not.toThrow();
  });

  it('boots the program by its guest path before the cmdline, on microvm with the initrd', () => {
    const spec = unikraftBoot(
      { name: 'prog', platform: 'qemu/x86_64', kernel: '/img/k', files: { initrd: '/img/files.cpio' }, memoryMiB: 32, bootSettings: { [PROGRAM_SETTING]: '/prog' }, env: { G: 'hi' }, hostTscKhz: null },
      consoleOnly,
      ['one', 'two words'],
    );
    expect(spec.append).toBe('vfs.fstab=[ "initrd0:/:extract::ramfs=1:" ] env.vars=[ "G=hi" ] -- /prog one "two words"');
    expect(spec.machine.type).toBe('microvm');
    expect(qemuArgv(spec, 'tcg')).toContain('/img/files.cpio');
  });
});
