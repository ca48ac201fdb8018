import { execa } from 'execa';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

const suite = 'npm package integration test';
const unikraft = productSource('unikraft', suite);
if (!existsSync(join(ROOT, 'dist', 'cli', 'main.cjs'))) console.warn(`\n*** SKIPPING ${suite}: dist/ is not built — run "npm run build" ***\n`);
const ready = !!unikraft && existsSync(join(ROOT, 'dist', 'cli', 'main.cjs'));

/** npm, quiet and offline: the tarball has no dependencies, so a global install needs no registry. */
const npm = (args: string[], cwd: string) => execa('npm', [...args, '--no-audit', '--no-fund', '--offline'], { cwd, reject: false, stdin: 'ignore' });

describe.skipIf(!ready)('the npm package: npm pack, npm install -g, then use it (integration)', () => {
  const tmp = tmpTree();
  const prefix = join(tmp, 'prefix');
  const installed = join(prefix, 'lib', 'node_modules', 'unik');
  const bin = join(prefix, 'bin', 'unik');
  const home = join(tmp, 'home');
  const unik = (args: string[]) => execa(bin, args, { env: { UNIK_HOME: home }, reject: false, stdin: 'ignore' });

  it('packs only what runs: no test/, no TypeScript sources, no dependencies to install', async () => {
    // The build already ran (npm test builds first); prepack would only build it again.
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], ROOT);
    expect(packed.exitCode, packed.stderr).toBe(0);
    const [{ filename, files }] = JSON.parse(packed.stdout) as [{ filename: string; files: { path: string }[] }];
    const paths = files.map((f) => f.path);
    expect(paths.filter((p) => p.startsWith('test/'))).toEqual([]);
    expect(paths.filter((p) => p.endsWith('.ts'))).toEqual([]);
    for (const p of ['dist/cli/main.cjs', 'dist/cli/unik.cjs', 'dist/run/supervisor.js', 'dist/targets/unikraft/fetch-shim.js', 'scripts/setup.sh', 'manifest/manifest.schema.json', 'machine/host/reap.c', 'targets/unikraft/patches/0001-tsc-frequency-from-fw-cfg.patch', 'targets/unikraft/elfloader-patches/0004-program-exit-ends-the-guest.patch', 'examples/hello-unikraft/unik.yaml']) {
      expect(paths).toContain(p);
    }
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies ?? {}).toEqual({});

    const install = await npm(['install', '-g', '--prefix', prefix, join(tmp, filename)], tmp);
    expect(install.exitCode, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/added 1 package/);
  }, BUILD_TIMEOUT);

  it('--help of the installed unik tells how to set up, with the path of its setup.sh', async () => {
    const help = await unik(['--help']);
    expect(help.exitCode, help.stderr).toBe(0);
    expect(help.stdout).toContain(`\`unik setup\` installs the packages, sources and toolchains (it runs ${join(installed, 'scripts', 'setup.sh')})`);
    expect(existsSync(join(installed, 'scripts', 'setup.sh'))).toBe(true);
  });

  it('the installed unik builds and boots hello-unikraft from its own examples/', async () => {
    const added = await unik(['sources', 'add', 'unikraft', unikraft!]);
    expect(added.exitCode, added.stderr).toBe(0);
    const app = join(tmp, 'hello-unikraft');
    cpSync(join(installed, 'examples', 'hello-unikraft'), app, { recursive: true });
    const built = await unik(['build', app, '--json']);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout).image).toMatchObject({ name: 'hello-unikraft', target: 'unikraft' });
    const ran = await unik(['run', app]);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('Hello, world! (from a unik-built unikernel)');
  }, BUILD_TIMEOUT);
});
