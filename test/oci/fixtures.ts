import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageRecord } from '../../images/record.js';
import { putImage } from '../../images/store.js';
import { layout, type Layout } from '../../lib/home.js';
import type { Platform, TargetName } from '../../manifest/manifest.js';
import { tmpTree } from '../helpers/tmp.js';

/** A stored image with made-up kernel bytes (packaging never looks inside the kernel), in a fresh store. */
export async function storedFixture(o: { target?: TargetName; platform?: Platform; files?: Record<string, string>; kernel?: string; id?: string } = {}): Promise<{ l: Layout; image: ImageRecord }> {
  const l = layout(tmpTree());
  const built = tmpTree({ 'app_qemu-x86_64': o.kernel ?? 'ELF kernel bytes', ...Object.fromEntries(Object.entries(o.files ?? {}).map(([role, c]) => [`${role}.bin`, c])) });
  if (o.files?.tender !== undefined) chmodSync(join(built, 'tender.bin'), 0o755);
  const image = await putImage(l, join(built, 'app_qemu-x86_64'), Object.fromEntries(Object.keys(o.files ?? {}).map((r) => [r, join(built, `${r}.bin`)])), {
    id: o.id ?? 'a1b2c3d4e5f6',
    name: 'hello-app',
    target: o.target ?? 'unikraft',
    platform: o.platform ?? 'qemu/x86_64',
    drivers: ['KVM_KERNEL_SERIAL_CONSOLE'],
    libraries: ['libukboot'],
    buildSeconds: 5.4,
    sources: [{ name: 'unikraft', ref: 'RELEASE-0.16.3', commit: 'e'.repeat(40), dirty: false }],
    frameworkVersion: '0.16.3',
    createdAt: '2026-12-01T10:00:00.000Z',
    appDir: '/work/app',
    cacheKey: 'a1b2c3d4e5f6'.padEnd(64, '0'),
    run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: ['world', 'two words'], memoryMiB: 8, ready: 'Hello, ' },
    bootSettings: {},
  });
  return { l, image };
}
