import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planBuild } from '../../images/build.js';
import { parseManifest } from '../../manifest/load.js';
import { targetFor } from '../../targets/registry.js';
import { tmpTree } from '../helpers/tmp.js';

const app = tmpTree({ 'main.c': 'int main(void){return 0;}\n', 'unikernel.ml': 'let start () = Lwt.return_unit\n', 'disk.img': 'x' });
mkdirSync(join(app, 'www'));
const manifest = (yaml: string) => parseManifest(yaml, app);

describe('planBuild (pure: every decision before a tool runs)', () => {
  it('a console-only Unikraft app: its platform, no device drivers, the generated files, and run settings from the manifest', async () => {
    const m = manifest('name: hello\ntarget: unikraft\nsources: [main.c]\ncmdline: [a]\n');
    const plan = planBuild(m, await targetFor('unikraft'));
    expect(plan.platform).toBe('qemu/x86_64');
    expect(plan.devices).toEqual({ console: true, net: null, block: [], share: [] });
    expect(plan.drivers.settings.LIBUKNETDEV).toBe('n');
    expect(plan.generated.map((f) => f.path)).toEqual(['Makefile.uk', 'Config.uk', 'defconfig']);
    expect(plan.run).toEqual({ devices: plan.devices, cmdline: ['a'], memoryMiB: 16, ready: null });
  });

  it('the same devices value reaches drivers and run settings (a share gets its 9p tag once)', async () => {
    const m = manifest('name: web\ntarget: unikraft\nsources: [main.c]\nmemory: 32M\ndevices:\n  share: [{source: www, dest: /www}]\n');
    const plan = planBuild(m, await targetFor('unikraft'));
    expect(plan.drivers.settings.LIB9PFS).toBe('y');
    expect(plan.run.devices.share).toEqual([{ tag: 'fs0', source: join(app, 'www'), dest: '/www' }]);
    expect(plan.run.memoryMiB).toBe(32);
  });

  it("the platform: the flag over the manifest over the adapter's default (MirageOS with a NIC defaults to virtio)", async () => {
    const mirage = await targetFor('mirage');
    expect(planBuild(manifest('name: m\ntarget: mirage\nsources: [unikernel.ml]\n'), mirage).platform).toBe('spt');
    const net = manifest('name: m\ntarget: mirage\nsources: [unikernel.ml]\ndevices:\n  net: {ports: ["8080:80"]}\n');
    expect(planBuild(net, mirage).platform).toBe('virtio');
    expect(planBuild(manifest('name: m\ntarget: mirage\nplatform: virtio\nsources: [unikernel.ml]\n'), mirage, 'spt').platform).toBe('spt');
  });

  it('refuses a platform the target does not run on (exit 2)', async () => {
    const m = manifest('name: hello\ntarget: unikraft\nsources: [main.c]\n');
    const unikraft = await targetFor('unikraft');
    expect(() => planBuild(m, unikraft, 'spt')).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^--platform: expected one of qemu\/x86_64/) }));
  });
});
