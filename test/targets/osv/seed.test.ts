import { existsSync, readFileSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStepRunner } from '../../../lib/steps.js';
import { pickSeed, repointDeps, seedOutDir, type KernelMeta } from '../../../targets/osv/seed.js';
import { tmpTree } from '../../helpers/tmp.js';

const C = 'c'.repeat(40);
const meta = (key: string, makeArgs: string[], over: Partial<KernelMeta> = {}): KernelMeta => ({
  commit: C, dirty: false, makeArgs, fs: 'rofs', outDir: `/osv/build/unik-${key}.x64`, ...over,
});
const base = ['conf_drivers_hpet=1', 'conf_drivers_profile=base', 'conf_drivers_pvpanic=1'];

describe('pickSeed', () => {
  it('takes the rofs kernel of the same clean commit that shares the most make flags', () => {
    const blk = meta('a', [...base, 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1']);
    const net = meta('b', [...base, 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_drivers_virtio_net=1']);
    expect(pickSeed([net, blk], C, [...base, 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_networking_stack=0'])).toBe(blk);
    expect(pickSeed([blk, net], C, [...base, 'conf_drivers_scsi=1', 'conf_drivers_virtio_blk=1', 'conf_drivers_virtio_net=1'])).toBe(net);
  });

  it('never a ramfs out dir (its bootfs holds an app), another commit or a modified checkout', () => {
    expect(pickSeed([meta('r', base, { fs: 'ramfs' }), meta('o', base, { commit: 'd'.repeat(40) }), meta('m', base, { dirty: true })], C, base)).toBeNull();
    expect(pickSeed([], C, base)).toBeNull();
  });

  it("only out dirs whose tree had no patch the new tree lacks: an object built from a patch is newer than the pristine file", () => {
    const pristine = meta('p', base);
    const patched = meta('q', base, { patches: ['0001-a.patch:11'] });
    expect(pickSeed([patched], C, base)).toBeNull();
    expect(pickSeed([patched], C, base, ['0001-a.patch:22'])).toBeNull();
    expect(pickSeed([patched, pristine], C, base, ['0001-a.patch:11'])).not.toBeNull();
    expect(pickSeed([pristine], C, base, ['0001-a.patch:11'])).toBe(pristine);
  });
});

describe('repointDeps', () => {
  it("re-points every path under the seed's out dir, and nothing else", () => {
    const d = 'build/unik-aaaa.x64/loader.o: loader.cc \\\n build/unik-aaaa.x64/gen/include/osv/kernel_config_networking_stack.h include/osv/x.hh\n';
    expect(repointDeps(d, 'build/unik-aaaa.x64', 'build/unik-bbbb.x64')).toBe(
      'build/unik-bbbb.x64/loader.o: loader.cc \\\n build/unik-bbbb.x64/gen/include/osv/kernel_config_networking_stack.h include/osv/x.hh\n',
    );
  });
});

describe('seedOutDir', () => {
  it('copies a complete out dir with its timestamps, re-points .d/.cmd files and drops the configuration', async () => {
    const osv = tmpTree({
      'build/unik-aaaa.x64/loader.elf': 'ELF',
      'build/unik-aaaa.x64/core/app.o': 'obj',
      'build/unik-aaaa.x64/core/app.d': 'build/unik-aaaa.x64/core/app.o: core/app.cc build/unik-aaaa.x64/gen/include/osv/drivers_config.h\n',
      'build/unik-aaaa.x64/gen/config/kernel.conf.cmd': 'deps_config := build/unik-aaaa.x64/x\n',
      'build/unik-aaaa.x64/gen/config/kernel_conf.mk': 'conf_networking_stack=1\n',
      'build/unik-aaaa.x64/.config': 'CONF_networking_stack=y\n',
    });
    const old = new Date('2026-01-01T00:00:00Z');
    utimesSync(join(osv, 'build/unik-aaaa.x64/core/app.o'), old, old);
    const out = join(osv, 'build/unik-bbbb.x64');
    const run = await openStepRunner(join(tmpTree(), 'build.log'));
    expect(await seedOutDir(run, meta('aaaa', base, { outDir: join(osv, 'build/unik-aaaa.x64') }), out, 'build/unik-bbbb.x64')).toBe(true);
    await run.close();
    expect(statSync(join(out, 'core/app.o')).mtimeMs).toBe(old.getTime());
    expect(readFileSync(join(out, 'core/app.d'), 'utf8')).toBe('build/unik-bbbb.x64/core/app.o: core/app.cc build/unik-bbbb.x64/gen/include/osv/drivers_config.h\n');
    expect(readFileSync(join(out, 'gen/config/kernel.conf.cmd'), 'utf8')).toBe('deps_config := build/unik-bbbb.x64/x\n');
    expect(existsSync(join(out, '.config'))).toBe(false);
    expect(existsSync(join(out, 'gen/config/kernel_conf.mk'))).toBe(false);
    expect(readFileSync(join(osv, 'build/unik-aaaa.x64/core/app.d'), 'utf8')).toContain('unik-aaaa');
  });

  it("seeds from another copy of the same commit: the lists name sources relative to the tree", async () => {
    const checkout = tmpTree({
      'build/unik-aaaa.x64/loader.elf': 'ELF',
      'build/unik-aaaa.x64/core/app.d': 'build/unik-aaaa.x64/core/app.o: core/app.cc\n',
    });
    const out = join(tmpTree({ 'build/unik-bbbb.x64/.unik-incomplete': '1\n' }), 'build/unik-bbbb.x64');
    const run = await openStepRunner(join(tmpTree(), 'build.log'));
    expect(await seedOutDir(run, meta('aaaa', base, { outDir: join(checkout, 'build/unik-aaaa.x64') }), out, 'build/unik-bbbb.x64')).toBe(true);
    await run.close();
    expect(readFileSync(join(out, 'core/app.d'), 'utf8')).toBe('build/unik-bbbb.x64/core/app.o: core/app.cc\n');
  });

  it('refuses a seed that is unfinished, not an out dir, or the out dir itself', async () => {
    const osv = tmpTree({ 'build/unik-aaaa.x64/loader.elf': 'ELF', 'build/unik-aaaa.x64/.unik-incomplete': '1\n', 'build/unik-cccc.x64/core/app.o': 'obj' });
    const run = await openStepRunner(join(tmpTree(), 'build.log'));
    const out = join(osv, 'build/unik-bbbb.x64');
    expect(await seedOutDir(run, meta('a', base, { outDir: join(osv, 'build/unik-aaaa.x64') }), out, 'build/unik-bbbb.x64')).toBe(false);
    expect(await seedOutDir(run, meta('c', base, { outDir: join(osv, 'build/unik-cccc.x64') }), out, 'build/unik-bbbb.x64')).toBe(false);
    expect(await seedOutDir(run, meta('x', base, { outDir: join(osv, 'build/release.x64') }), out, 'build/unik-bbbb.x64')).toBe(false);
    expect(await seedOutDir(run, meta('b', base, { outDir: out }), out, 'build/unik-bbbb.x64')).toBe(false);
    await run.close();
    expect(existsSync(out)).toBe(false);
  });
});
