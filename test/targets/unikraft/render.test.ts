import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../../manifest/load.js';
import { devicesOf } from '../../../manifest/devices.js';
import { unikraftDrivers } from '../../../targets/unikraft/drivers.js';
import { libName, renderUnikraft } from '../../../targets/unikraft/render.js';
import { tmpTree } from '../../helpers/tmp.js';

const app = tmpTree({ 'main.c': '', 'lib/util.c': '', 'lib/util.h': '', 'start.S': '', 'notes.txt': '' });

function render(yaml: string) {
  const m = parseManifest(yaml, app);
  return Object.fromEntries(renderUnikraft(m, unikraftDrivers(devicesOf(m))).map((f) => [f.path, f.content]));
}

describe('renderUnikraft', () => {
  const files = render('name: my-app\ntarget: unikraft\nsources: [main.c, lib/util.c, lib/util.h, start.S]\n');

  it('renders exactly Makefile.uk, Config.uk and defconfig', () => {
    expect(Object.keys(files).sort()).toEqual(['Config.uk', 'Makefile.uk', 'defconfig']);
  });

  it('Makefile.uk registers the app library and compiles only compilable sources', () => {
    const mk = files['Makefile.uk']!;
    expect(mk).toContain('$(eval $(call addlib,appmy_app))');
    expect(mk).toContain('APPMY_APP_SRCS-y += $(APPMY_APP_BASE)/src/main.c');
    expect(mk).toContain('APPMY_APP_SRCS-y += $(APPMY_APP_BASE)/src/lib/util.c');
    expect(mk).toContain('APPMY_APP_SRCS-y += $(APPMY_APP_BASE)/src/start.S');
    expect(mk).not.toContain('util.h');
  });

  it('Config.uk pulls nolibc when no libc is present', () => {
    expect(files['Config.uk']).toContain('config APPMY_APP_DEPENDENCIES');
    expect(files['Config.uk']).toContain('select LIBNOLIBC if !HAVE_LIBC');
  });

  it('defconfig carries the name and exactly the driver settings', () => {
    const lines = files['defconfig']!.split('\n').filter((l) => l.startsWith('CONFIG_'));
    expect(lines[0]).toBe('CONFIG_UK_NAME="my-app"');
    expect(lines).toContain('CONFIG_LIBUKNETDEV=n');
    expect(lines).toContain('CONFIG_KVM_KERNEL_VGA_CONSOLE=n');
    expect(lines.some((l) => l.startsWith('CONFIG_LIBLWIP'))).toBe(false);
  });

  it('a networked app gets lwIP in its defconfig', () => {
    const net = render('name: web\ntarget: unikraft\nsources: [main.c]\ndevices:\n  net: {ports: ["8080:80"]}\n');
    expect(net['defconfig']).toContain('CONFIG_LIBLWIP=y');
    expect(net['defconfig']).toContain('CONFIG_LIBVIRTIO_NET=y');
  });

  it('rejects a source Unikraft cannot compile, naming the field', () => {
    expect(() => render('name: a\ntarget: unikraft\nsources: [main.c, notes.txt]\n')).toThrow(/sources\[1\]: expected a C source/);
  });

  it('derives a Unikraft-safe library name', () => {
    expect(libName('hello-unikraft')).toBe('apphello_unikraft');
  });
});
