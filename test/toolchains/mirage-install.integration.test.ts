import { execa } from 'execa';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout, unikHome } from '../../lib/home.js';
import { readLock } from '../../sources/cache.js';
import { SEED_PACKAGES } from '../../toolchains/mirage/duniverse.js';
import { TOOLCHAIN_SOURCES } from '../../toolchains/mirage/install/plan.js';
import { LINKED_STEPS, STAMP, type InstallRecord } from '../../toolchains/mirage/install/record.js';
import { CLI, ROOT, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

/**
 * The real toolchain build, once per run, in a temp UNIK_HOME whose sources.json points at the product's
 * checkouts (the build clones from them and never writes there). What it must prove, and how it keeps the cost
 * to one cold build (minutes: ocaml-solo5 dominates): an install interrupted in its longest step leaves nothing
 * running and nothing in place, and the next run redoes only that step; the result builds and boots a real app;
 * a second run decides from the record in under a second; remove takes it all away.
 */
const product = layout(unikHome());
const lock = readLock(product);
const missing = TOOLCHAIN_SOURCES.filter((n) => !lock.sources[n] || !existsSync(lock.sources[n].path));
if (missing.length) {
  console.warn(`\n*** SKIPPING the MirageOS toolchain install test: sources missing from ${product.sources}: ${missing.join(', ')} — run scripts/setup.sh (or "unik sources add NAME <git-url-or-checkout>") ***\n`);
}

interface Result { changed: boolean; id: string; steps: { name: string; state: string }[]; logPath: string | null }

describe.skipIf(missing.length > 0)('unik toolchain install mirage (integration: the real build in a temp UNIK_HOME)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  mkdirSync(join(home, 'sources'), { recursive: true });
  writeFileSync(join(home, 'sources', 'sources.json'), JSON.stringify({ sources: Object.fromEntries(TOOLCHAIN_SOURCES.map((n) => [n, lock.sources[n]])), archives: {} }));
  const store = join(home, 'toolchains', 'store');
  const stamped = () => readdirSync(store).filter((d) => existsSync(join(store, d, STAMP)));
  const toolsRunning = async () => (await execa('pgrep', ['-f', home], { reject: false })).stdout.trim();

  it('an install killed (-9) in ocaml-solo5 leaves no tool running and nothing in place; the next run redoes only that step', async () => {
    const child = execa(process.execPath, [CLI, 'toolchain', 'install', 'mirage', '--json'], { env, reject: false, stdin: 'ignore' });
    const logs = join(home, 'logs');
    // Stop it once ocaml-solo5's make has started (Solo5 is done by then).
    for (;;) {
      const log = existsSync(logs) ? readdirSync(logs).map((f) => readFileSync(join(logs, f), 'utf8')).join('') : '';
      if (/\$ make SHELL=\/bin\/bash -j/.test(log)) break;
      if (child.exitCode !== null) throw new Error(`install ended before ocaml-solo5: ${(await child).stderr}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    await new Promise((r) => setTimeout(r, 3_000));
    child.kill('SIGKILL');
    expect((await child).signal).toBe('SIGKILL');
    // Steps run tied to unik (lib/tied.ts): make and everything below it die with it.
    for (let i = 0; i < 20 && (await toolsRunning()); i++) await new Promise((r) => setTimeout(r, 500));
    expect(await toolsRunning()).toBe('');
    expect(stamped().map((d) => d.replace(/-[0-9a-f]{16}$/, ''))).toEqual(['solo5']);
    expect(readdirSync(store).some((d) => d.startsWith('ocaml-solo5-'))).toBe(true);
    expect(existsSync(join(home, 'toolchains', 'mirage.install.json'))).toBe(false);
    expect(LINKED_STEPS.filter((s) => existsSync(join(home, 'toolchains', s)))).toEqual([]);

    const resumed = await unik(['toolchain', 'install', 'mirage', '--json'], env);
    expect(resumed.exitCode, resumed.stderr).toBe(0);
    const r = JSON.parse(resumed.stdout) as Result;
    expect(r.steps.map((s) => `${s.name} ${s.state}`)).toEqual(['solo5 done', 'ocaml-solo5 built', 'mirage built', 'duniverse built']);
  }, 3_600_000);

  it('records what it built and links each piece where unik looks; the build copies are gone', () => {
    const record = JSON.parse(readFileSync(join(home, 'toolchains', 'mirage.install.json'), 'utf8')) as InstallRecord;
    expect(record.steps['ocaml-solo5'].sources['ocaml-solo5']).toEqual({ ref: lock.sources['ocaml-solo5']!.ref, commit: lock.sources['ocaml-solo5']!.commit });
    expect(Object.keys(record.steps.duniverse.sources)).toHaveLength(40);
    expect(record.steps.duniverse.fixups['logs.diff']).toMatch(/^[0-9a-f]{64}$/);
    for (const s of LINKED_STEPS) expect(lstatSync(join(home, 'toolchains', s)).isSymbolicLink()).toBe(true);
    expect(stamped()).toHaveLength(4);
    expect(existsSync(join(home, 'builds', 'toolchain-mirage'))).toBe(false);
    // The sources cache stays as it was: the fixups went into the seed only.
    expect(existsSync(join(lock.sources.fmt!.path, 'dune-project'))).toBe(false);
    expect(readFileSync(join(home, 'toolchains', 'duniverse', 'logs', 'src', 'dune'), 'utf8')).not.toContain('(libraries result)');
  });

  it('the seed provides every package the manifest may name (SEED_PACKAGES)', () => {
    const seed = join(home, 'toolchains', 'duniverse');
    expect([...SEED_PACKAGES].filter(([pkg, dir]) => !existsSync(join(seed, dir, `${pkg}.opam`)))).toEqual([]);
  });

  it('a second run reads the record and does nothing, in under a second', async () => {
    const t0 = performance.now();
    const again = await unik(['toolchain', 'install', 'mirage', '--json'], env);
    const ms = performance.now() - t0;
    expect(again.exitCode, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ changed: false, logPath: null });
    expect(ms).toBeLessThan(1_000);
  });

  it('what it installed builds and boots a MirageOS app that sleeps (spt), and the image record names the install', async () => {
    const app = join(tmpTree(), 'sleep-mirage');
    cpSync(join(ROOT, 'examples', 'sleep-mirage'), app, { recursive: true });
    const build = await unik(['build', app, '--platform', 'spt', '--json'], env);
    expect(build.exitCode, build.stderr).toBe(0);
    const record = JSON.parse(readFileSync(join(home, 'toolchains', 'mirage.install.json'), 'utf8')) as InstallRecord;
    expect(JSON.parse(build.stdout).image.toolchain).toMatchObject({ 'mirage-toolchain': record.id, mirage: 'v4.10.0' });
    const run = await unik(['run', app, '--platform', 'spt', '--timeout', '30s'], env);
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/slept \d+ ns/);
  }, 600_000);

  it('remove takes the links, store and record away', async () => {
    const res = await unik(['toolchain', 'remove', 'mirage', '--json'], env);
    expect(JSON.parse(res.stdout)).toEqual({ toolchain: 'mirage', removed: true, left: [] });
    expect(readdirSync(join(home, 'toolchains')).filter((n) => !n.startsWith('.'))).toEqual([]);
    expect(JSON.parse((await unik(['toolchain', 'list', '--json'], env)).stdout)[0]).toMatchObject({ state: 'not installed' });
  });
});
