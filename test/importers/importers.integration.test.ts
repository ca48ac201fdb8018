import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, unik } from '../helpers/cli.js';
import { httpGet } from '../helpers/http.js';
import { pidsMatching } from '../helpers/procs.js';
import { tmpTree } from '../helpers/tmp.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { mirageHome, productSource, osvHome } from '../helpers/toolchain.js';

/** A fixture copied to a temp dir and translated there with `unik init --from`. */
async function translated(name: string): Promise<string> {
  const dir = join(tmpTree(), name);
  cpSync(join(ROOT, 'test', 'fixtures', 'importers', name), dir, { recursive: true });
  const res = await unik(['init', '--from', dir]);
  expect(res.exitCode, res.stderr).toBe(0);
  return dir;
}

/** Translate a fixture, build it, boot it in the foreground: it exits 0 and its console (stdout) shows `expected`. */
async function bootsAndPrints(fixture: string, env: Record<string, string>, expected: RegExp): Promise<void> {
  const dir = await translated(fixture);
  const built = await unik(['build', dir, '--json'], env);
  expect(built.exitCode, built.stderr).toBe(0);
  const run = await unik(['run', dir, '--accel', 'tcg', '--timeout', '60s'], env);
  expect(run.exitCode, run.stderr).toBe(0);
  expect(run.stdout).toMatch(expected);
}

/** Build, run detached with guest port `guest` on `port` until the first 200, GET once, stop: the body. */
async function served(dir: string, env: Record<string, string>, port: number, guest: number): Promise<string> {
  const built = await unik(['build', dir, '--json'], env);
  expect(built.exitCode, built.stderr).toBe(0);
  const name = `imported-${port}`;
  const start = await unik(['run', dir, '-d', '--name', name, '-p', `${port}:${guest}`, '--ready-http', `http://127.0.0.1:${port}/`, '--accel', 'tcg', '--json'], env);
  expect(start.exitCode, start.stderr).toBe(0);
  try {
    const res = await httpGet(port);
    expect(res.status).toBe(200);
    return res.body;
  } finally {
    expect((await unik(['stop', name], env)).exitCode).toBe(0);
  }
}

const homes: string[] = [];
afterAll(async () => {
  for (const home of homes) for (const pid of await pidsMatching(home)) process.kill(pid, 'SIGKILL');
});

const kraftSuite = 'Kraftfile import integration test';
const kraftSources = { unikraft: productSource('unikraft', kraftSuite), 'lib-lwip': productSource('lib-lwip', kraftSuite), 'fork-lwip': productSource('fork-lwip', kraftSuite) };

describe.skipIf(!Object.values(kraftSources).every(Boolean))('Kraftfile projects → Unikraft, built and booted (integration)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  homes.push(home);

  it('kraft-http (v0.6, lwIP, two C files): serves HTTP on a port given at run time', async () => {
    for (const [name, path] of Object.entries(kraftSources)) expect((await unik(['sources', 'add', name, path!], env)).exitCode).toBe(0);
    expect(await served(await translated('kraft-http'), env, 18120, 8080)).toMatch(/^kraft-http answer #\d+\n$/);
  }, BUILD_TIMEOUT);

  it('kraft-share (v0.6 volume over 9p): prints the shared note and exits 0', async () => {
    await bootsAndPrints('kraft-share', env, /a note shared from the host over 9p/);
  }, BUILD_TIMEOUT);

  it('kraft-hello (v0.5, console only): prints its greeting and exits 0', async () => {
    await bootsAndPrints('kraft-hello', env, /kraft-hello says hi from a translated Kraftfile/);
  }, BUILD_TIMEOUT);
});

const osvSrc = productSource('osv', 'OSv module import integration test');

describe.skipIf(!osvSrc)('OSv module and Capstan projects → OSv, built and booted (integration)', () => {
  const home = tmpTree();
  const env = { UNIK_HOME: home };
  homes.push(home);

  it('osv-module (module.py + usr.manifest): runs the default command with its arguments', async () => {
    await osvHome(home);
    await bootsAndPrints('osv-module', env, /Hello, osv module! \(greet, translated from an OSv module\)/);
  }, BUILD_TIMEOUT);

  it('osv-capstan (Capstanfile): runs its cmdline and exits 0', async () => {
    await bootsAndPrints('osv-capstan', env, /countdown 3\r?\ncountdown 2\r?\ncountdown 1\r?\nlift-off/);
  }, BUILD_TIMEOUT);
});

const mirage = await mirageHome('config.ml import integration test', ['virtio'], () => tmpTree(), { net: true, kv: true });

describe.skipIf(!mirage)('a MirageOS config.ml project → MirageOS on virtio, built and booted (integration)', () => {
  it('mirage-http (stackv4v6, a generic_kv_ro store): answers HTTP on a port given at run time with the page from the store', async () => {
    const env = { UNIK_HOME: mirage! };
    homes.push(mirage!);
    expect(await served(await translated('mirage-http'), env, 18121, 8080)).toBe('translated from config.ml\n');
  }, BUILD_TIMEOUT);
});
