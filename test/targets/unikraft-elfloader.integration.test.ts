import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { layout, unikHome } from '../../lib/home.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource, sharedBuildsHome } from '../helpers/toolchain.js';

const SOURCES = ['unikraft', 'app-elfloader', 'lib-libelf'] as const;
const ready = SOURCES.every((n) => productSource(n, 'Unikraft program: (app-elfloader) integration test'));

/** The shared elfloader kernels (the product's cache): each one's stamp and when it was written. */
const kernels = () => {
  const dir = join(layout(unikHome()).builds, 'unikraft-elfloader');
  return Object.fromEntries(readdirSync(dir).filter((k) => existsSync(join(dir, k, 'kernel.json'))).map((k) => [k, statSync(join(dir, k, 'kernel.json')).mtimeMs]));
};

/**
 * examples/hello-elfloader: a glibc program compiled here with `cc -static-pie`, then as a dynamic PIE, run by
 * app-elfloader on the pinned Unikraft under TCG. One kernel build (the product's shared cache: seconds when a
 * build or an earlier run made it) serves both programs.
 */
describe.skipIf(!ready)('examples/hello-elfloader: an existing Linux program on Unikraft (integration, real app-elfloader)', () => {
  const app = join(tmpTree(), 'hello-elfloader');
  let env: Record<string, string>;
  let image: { id: string; files: Record<string, string>; contents: { guest: string; role: string }[]; patches: { file: string }[] };

  const build = async () => {
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    return JSON.parse(res.stdout).image as typeof image;
  };
  const run = async (args: string[]) => {
    const res = await unik(['run', app, '--accel', 'tcg', '--timeout', '60s', '--json', ...(args.length ? ['--', ...args] : [])], env);
    return { exitCode: res.exitCode, stderr: res.stderr, json: res.stdout ? JSON.parse(res.stdout) : null };
  };

  beforeAll(async () => {
    env = { UNIK_HOME: await sharedBuildsHome(tmpTree(), [...SOURCES], ['unikraft-elfloader', 'unikraft-src']) };
    cpSync(join(ROOT, 'examples', 'hello-elfloader'), app, { recursive: true });
    execFileSync('cc', ['-O2', '-static-pie', '-o', join(app, 'hello'), join(app, 'hello.c')]);
    image = await build();
  }, BUILD_TIMEOUT);

  it('stores the elfloader kernel with an initrd holding the program and the file, patched with 0004', () => {
    expect(Object.keys(image.files)).toEqual(['initrd']);
    expect(image.contents.map((c) => [c.guest, c.role])).toEqual([
      ['/hello-elfloader', 'program'],
      ['/etc/motd', 'file'],
    ]);
    expect(image.patches.map((p) => p.file)).toContain('0004-program-exit-ends-the-guest.patch');
  });

  it("prints its argv (cmdline), env and file, and its exit status is unik run's: 0, 7 and 255", async () => {
    const ok = await run([]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    expect(ok.json).toMatchObject({ exitCode: 0, machine: 'microvm' });
    for (const line of ['hello from hello-elfloader', 'argv[1]=one', 'argv[2]=two words', 'GREETING=Hello from the environment', 'motd: A file from the initrd.']) {
      expect(ok.stderr).toContain(line);
    }
    for (const n of [7, 255]) {
      const res = await run(['exit', String(n)]);
      expect(res.exitCode, res.stderr).toBe(n);
      expect(res.stderr).toContain(`argv[2]=${n}`);
    }
  }, 180_000);

  it('a dynamic PIE runs with ld-linux and libc carried in the initrd; the kernel is reused, not rebuilt', async () => {
    execFileSync('cc', ['-O2', '-o', join(app, 'hello-dyn'), join(app, 'hello.c')]);
    writeFileSync(join(app, 'unik.yaml'), readFileSync(join(app, 'unik.yaml'), 'utf8').replace('program: hello\n', 'program: hello-dyn\n'));
    const before = kernels();
    const dyn = await build();
    expect(kernels()).toEqual(before);
    expect(dyn.id).not.toBe(image.id);
    expect(dyn.contents.map((c) => [c.guest, c.role])).toEqual([
      ['/hello-elfloader', 'program'],
      ['/lib64/ld-linux-x86-64.so.2', 'library'],
      ['/lib/x86_64-linux-gnu/libc.so.6', 'library'],
      ['/etc/motd', 'file'],
    ]);
    const res = await run(['exit', '3']);
    expect(res.exitCode, res.stderr).toBe(3);
    expect(res.stderr).toContain('GREETING=Hello from the environment');
  }, BUILD_TIMEOUT);

  // scripts/setup.sh installs lua5.4 (the OSv examples use it); without it this one line says what is skipped.
  const lua = existsSync('/usr/bin/lua5.4') || (console.warn('\n*** SKIPPING the lua5.4 case: /usr/bin/lua5.4 is missing (scripts/setup.sh installs it) ***\n'), false);
  it.skipIf(!lua)("Debian's lua5.4, by its host path, with its libraries and the same kernel", async () => {
    const dir = join(tmpTree(), 'lua-elfloader');
    const yaml = 'name: lua-elfloader\ntarget: unikraft\nprogram: /usr/bin/lua5.4\nmemory: 64M\nenv: {GREETING: hi}\ncmdline: ["-e", "print(2^10, os.getenv(\'GREETING\')) os.exit(5)"]\n';
    mkdirSync(dir);
    writeFileSync(join(dir, 'unik.yaml'), yaml);
    const before = kernels();
    const res = await unik(['build', dir, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(kernels()).toEqual(before);
    expect(JSON.parse(res.stdout).image.contents.map((c: { soname?: string }) => c.soname).filter(Boolean)).toContain('libreadline.so.8');
    const out = await unik(['run', dir, '--accel', 'tcg', '--timeout', '60s'], env);
    expect(out.exitCode, out.stderr).toBe(5);
    expect(out.stdout).toContain('1024.0\thi');
  }, BUILD_TIMEOUT);
});
