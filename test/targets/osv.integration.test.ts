import { cpSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';
import { osvHome, productSource } from '../helpers/toolchain.js';
import { expectCompileErrorStoresNothing } from '../helpers/compile-error.js';

const osvSrc = productSource('osv', 'OSv build and run integration tests');

type Image = { id: string; path: string; sizeBytes: number; sha256: string; drivers: string[]; files: Record<string, string>; frameworkVersion: string; sources: { name: string; commit: string }[]; cached: boolean; buildSeconds: number };

describe.skipIf(!osvSrc)('unik build + run examples/hello-osv (integration, real OSv)', () => {
  // The product's OSv checkout and kernel cache: only the first run ever builds a kernel (see osvHome).
  let home: string;
  let env: { UNIK_HOME: string };
  const app = join(tmpTree(), 'hello-osv');
  let first: Image;

  beforeAll(async () => {
    home = await osvHome(tmpTree());
    env = { UNIK_HOME: home };
    cpSync(join(ROOT, 'examples', 'hello-osv'), app, { recursive: true });
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    first = JSON.parse(res.stdout).image;
  }, BUILD_TIMEOUT);

  it('stores kernel + rofs disk with the OSv commit, version and sha256', () => {
    expect(readFileSync(first.path).subarray(0, 4)).toEqual(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
    expect(statSync(first.path).size).toBe(first.sizeBytes);
    expect(existsSync(first.files.disk!)).toBe(true);
    expect(first.sources).toEqual([expect.objectContaining({ name: 'osv', commit: expect.stringMatching(/^[0-9a-f]{40}$/) })]);
    expect(first.frameworkVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('has only the drivers a console app on a rofs disk needs, and no network stack, read back from the generated headers', () => {
    expect(first.drivers).toEqual(['acpi', 'hpet', 'pci', 'pvpanic', 'scsi', 'virtio', 'virtio_blk']);
  });

  it('boots with -kernel, prints the greeting, and reports first output, kernel booted and exit', async () => {
    const res = await unik(['run', app, '--json', '--accel', 'tcg', '--timeout', '30s'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toContain('Hello, world! (from a unik-built OSv unikernel)');
    // Patch 0003: the kernel reports the app's status without --verbose, so none of OSv's boot chatter is printed.
    expect(res.stderr).toContain('Booted up in');
    expect(res.stderr).not.toContain('bsd: initializing');
    const r = JSON.parse(res.stdout);
    expect(r).toMatchObject({ exitCode: 0, machine: 'pc', how: 'powered off' });
    expect(r.bootMs).toBeGreaterThan(0);
    expect(r.kernelBootedMs).toBeGreaterThanOrEqual(r.bootMs);
    expect(r.readyMs).toBeGreaterThanOrEqual(r.kernelBootedMs);
    expect(r.exitMs).toBeGreaterThan(r.readyMs);
  }, 60_000);

  it('passes an argument with spaces, ";", "&" and "!" to the app whole (patch 0004 splits the quoted command line itself)', async () => {
    const res = await unik(['run', app, '--accel', 'tcg', '--timeout', '30s', 'one; two & three!', 'second'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stdout).toContain('Hello, one; two & three!! (from a unik-built OSv unikernel)');
  }, 60_000);

  it('fs: ramfs links the app into the kernel: no disk, no virtio driver at all, same greeting', async () => {
    // ramfs relinks the kernel in the OSv checkout that built it, as every OSv build here does.
    const ramEnv = { UNIK_HOME: await osvHome(tmpTree()) };
    const ram = join(tmpTree(), 'hello-ramfs');
    cpSync(join(ROOT, 'examples', 'hello-osv'), ram, { recursive: true });
    const yaml = readFileSync(join(ram, 'unik.yaml'), 'utf8').replace('name: hello-osv', 'name: hello-ramfs').replace('fs: rofs', 'fs: ramfs');
    writeFileSync(join(ram, 'unik.yaml'), yaml);
    const built = await unik(['build', ram, '--json'], ramEnv);
    expect(built.exitCode, built.stderr).toBe(0);
    const img: Image = JSON.parse(built.stdout).image;
    expect(img.drivers).toEqual(['acpi', 'hpet', 'pci', 'pvpanic']);
    expect(img.files).toEqual({});
    const res = await unik(['run', ram, '--json', '--accel', 'tcg', '--timeout', '30s'], ramEnv);
    expect(res.exitCode, res.stderr).toBe(0);
    expect(res.stderr).toContain('Hello, world! (from a unik-built OSv unikernel)');
    expect(JSON.parse(res.stdout).kernelBootedMs).toBeGreaterThan(0);
  }, BUILD_TIMEOUT);

  it('an app change rebuilds only the app (seconds, same kernel), its exit status becomes unik run\'s, and its destructors still run', async () => {
    // Patch 0002 powers off right after the last main() returns: the app's destructors must run first.
    const main = '#include <stdio.h>\n__attribute__((destructor)) static void done(void) { puts("destructor ran"); }\nint main(void) { puts("bye"); return 3; }\n';
    writeFileSync(join(app, 'main.c'), main);
    const logsBefore = readdirSync(join(home, 'logs')).length;
    const res = await unik(['build', app, '--json'], env);
    expect(res.exitCode, res.stderr).toBe(0);
    const img: Image = JSON.parse(res.stdout).image;
    expect(img).toMatchObject({ cached: false, sha256: first.sha256 });
    expect(img.buildSeconds).toBeLessThan(30);
    const log = readFileSync(join(home, 'logs', readdirSync(join(home, 'logs')).sort().at(-1)!), 'utf8');
    expect(readdirSync(join(home, 'logs')).length).toBe(logsBefore + 1);
    expect(log).not.toContain('build the OSv kernel');
    const run = await unik(['run', app, '--accel', 'tcg', '--timeout', '30s'], env);
    expect(run.stdout).toMatch(/bye[\s\S]*destructor ran/);
    expect(run.exitCode).toBe(3);
    expect(run.stderr).toMatch(/code 3, tcg; guest exit code 3/);
  }, BUILD_TIMEOUT);

  it('a status passed to exit() becomes unik run\'s too, and a crash (abort) ends the run at once as one', async () => {
    writeFileSync(join(app, 'main.c'), '#include <stdlib.h>\nint main(void) { exit(5); }\n');
    expect((await unik(['build', app], env)).exitCode).toBe(0);
    const exited = await unik(['run', app, '--accel', 'tcg', '--timeout', '30s'], env);
    expect(exited.exitCode, exited.stderr).toBe(5);
    writeFileSync(join(app, 'main.c'), '#include <stdlib.h>\nint main(void) { abort(); }\n');
    expect((await unik(['build', app], env)).exitCode).toBe(0);
    const crashed = await unik(['run', app, '--json', '--accel', 'tcg', '--timeout', '30s'], env);
    expect(crashed.exitCode, crashed.stderr).toBe(1);
    expect(crashed.stderr).toContain('Aborted');
    expect(JSON.parse(crashed.stdout)).toMatchObject({ exitCode: 1, how: 'crashed (OSv abort)' });
  }, BUILD_TIMEOUT);

  it('a compile error exits 1 with the log tail and path, and stores nothing', async () => {
    await expectCompileErrorStoresNothing(app, home, 'compile the app (gcc -fPIE -pie)');
  }, 60_000);
});
