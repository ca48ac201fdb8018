import { cpSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const unikraftSrc = productSource('unikraft', 'Unikraft files/env integration test');

describe.skipIf(!unikraftSrc)('examples/files-unikraft: files as a cpio initrd, env on the command line (integration, real Unikraft)', () => {
  const env = { UNIK_HOME: tmpTree() };
  const app = join(tmpTree(), 'files-unikraft');
  let image: { id: string; files: Record<string, string>; contents: { guest: string; role: string; sha256: string }[] };

  /** `unik build --json` of the app: the stored image. */
  const build = async () => {
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return JSON.parse(res.stdout).image as typeof image;
  };

  beforeAll(async () => {
    expect((await unik(['sources', 'add', 'unikraft', unikraftSrc!], env)).exitCode).toBe(0);
    cpSync(join(ROOT, 'examples', 'files-unikraft'), app, { recursive: true });
    image = await build();
  }, BUILD_TIMEOUT);

  it('stores the initrd with the kernel and lists the file in the record', () => {
    expect(Object.keys(image.files)).toEqual(['initrd']);
    expect(image.contents).toEqual([expect.objectContaining({ guest: '/etc/greeting.txt', role: 'file', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]);
  });

  it('boots, reads the file from the initrd and the variable from env', async () => {
    const res = await unik(['run', app, '--accel', 'tcg', '--timeout', '60s'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('GREETING=Hello from the environment');
    expect(res.stdout).toContain('Hello from a file in the image.');
  }, 120_000);

  it('a changed file gives a new image with the new content; the kernel is relinked, not rebuilt', async () => {
    writeFileSync(join(app, 'etc', 'greeting.txt'), 'Changed.\n');
    expect((await build()).id).not.toBe(image.id);
    const res = await unik(['run', app, '--accel', 'tcg', '--timeout', '60s'], env);
    expect(res.stdout).toContain('Changed.');
  }, BUILD_TIMEOUT);
});
