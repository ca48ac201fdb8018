import { describe, expect, it } from 'vitest';
import { devicesOf } from '../../../manifest/devices.js';
import { parseManifest } from '../../../manifest/load.js';
import { osvDrivers } from '../../../targets/osv/drivers.js';
import { appInput, renderOsv } from '../../../targets/osv/render.js';
import { tmpTree } from '../../helpers/tmp.js';

const app = tmpTree({ 'main.c': '', 'util.c': '', 'util.h': '', 'hello.so': '', 'other.so': '' });
const manifest = (sources: string) => parseManifest(`name: my-app\ntarget: osv\nsources: ${sources}\n`, app);

describe('renderOsv', () => {
  const m = manifest('[main.c, util.c, util.h]');
  const files = renderOsv(m, osvDrivers(devicesOf(m), 'rofs'));

  it('renders only usr.manifest', () => {
    expect(files.map((f) => f.path)).toEqual(['usr.manifest']);
  });

  it('maps the app to /<name> from the fixed staging name, with OSv runtime files, no absolute host path', () => {
    const text = files[0]!.content;
    expect(text).toMatch(/^\[manifest\]$/m);
    expect(text).toMatch(/^\/my-app: app$/m);
    expect(text).toMatch(/^\/libenviron\.so: libenviron\.so$/m);
    expect(text).toMatch(/^\/etc\/fstab: osv-static\/etc\/fstab_rofs$/m);
    const hostSides = [...text.matchAll(/^\/[^:]*: (.*)$/gm)].map((x) => x[1]!);
    expect(hostSides.filter((h) => h.startsWith('/'))).toEqual([]);
  });

  it('for ramfs, names host files through the staging link in the kernel out dir, with the plain fstab', () => {
    const r = manifest('[main.c]');
    r.fs = 'ramfs';
    const text = renderOsv(r, osvDrivers(devicesOf(r), 'ramfs'))[0]!.content;
    expect(text).toMatch(/^\/my-app: unik-app\/app$/m);
    expect(text).toMatch(/^\/etc\/fstab: unik-app\/osv-static\/etc\/fstab$/m);
    expect(text).toContain('conf_drivers_pvpanic=1 conf_linker_extra_options=$(out)/unik-no-net-sockets.o conf_networking_stack=0 conf_tracepoints=0 fs=ramfs');
    expect(text).not.toContain('virtio_blk');
  });

  it('carries the kernel configuration, so a driver change changes the generated files (and the cache key)', () => {
    expect(files[0]!.content).toContain('# For an OSv kernel built with: conf_drivers_hpet=1 conf_drivers_profile=base');
    const other = renderOsv(m, osvDrivers(devicesOf(m), 'ramfs'));
    expect(other[0]!.content).not.toBe(files[0]!.content);
  });
});

describe('appInput', () => {
  it('C sources are compiled, headers only tracked', () => {
    expect(appInput(manifest('[main.c, util.c, util.h]'))).toEqual({ kind: 'compile', sources: [`${app}/main.c`, `${app}/util.c`] });
  });

  it('one other file is a prebuilt binary', () => {
    expect(appInput(manifest('[hello.so]'))).toEqual({ kind: 'prebuilt', file: `${app}/hello.so` });
  });

  it('a mix, or several binaries, is refused naming the field (exit 2)', () => {
    for (const s of ['[main.c, hello.so]', '[hello.so, other.so]']) {
      expect(() => appInput(manifest(s))).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/unik\.yaml: sources: expected C files/) }));
    }
  });
});
