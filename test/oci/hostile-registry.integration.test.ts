import { execa } from 'execa';
import { chmodSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, unik } from '../helpers/cli.js';
import { missingRegistryTools, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tmpTree } from '../helpers/tmp.js';
import { storedFixture } from './fixtures.js';
import { archiveOf, craftLayout, pax, rawTar } from './hostile-package.js';

const missing = missingRegistryTools();
if (missing.length) console.warn(`\n*** SKIPPING hostile registry integration tests: ${missing.join(', ')} missing (apt-get install skopeo docker-registry umoci apache2-utils openssl) ***\n`);

/** Everything under images/ and the runtime directory: what a transfer may leave behind. */
const leftovers = (home: string, runtime: string) => [
  ...(existsSync(join(home, 'images')) ? readdirSync(join(home, 'images')) : []).filter((f) => f !== '.lock'),
  ...readdirSync(runtime),
];
const privateDir = () => {
  const d = tmpTree();
  chmodSync(d, 0o700);
  return d;
};

describe.skipIf(missing.length > 0)('hostile registries, archives and records (integration, the built CLI)', () => {
  let reg: TestRegistry;
  /** A registry that accepts connections and never answers: a stalled transfer. */
  let stall: Server;
  let stallAddress = '';

  beforeAll(async () => {
    reg = await startRegistry();
    stall = createServer(() => {});
    await new Promise<void>((r) => stall.listen(0, '127.0.0.1', () => r()));
    stallAddress = `127.0.0.1:${(stall.address() as { port: number }).port}`;
  }, 60_000);

  afterAll(async () => {
    await reg?.stop();
    stall?.close();
  });

  it('item 9: a stalled registry is given up after the idle timeout, in one line, leaving nothing', async () => {
    const home = tmpTree();
    const runtime = privateDir();
    const t0 = Date.now();
    const res = await unik(['pull', `${stallAddress}/team/x:1`], { UNIK_HOME: home, XDG_RUNTIME_DIR: runtime, UNIK_REGISTRY_IDLE_TIMEOUT: '2', UNIK_REGISTRY_CREDS: 'u:pw' });
    expect(res.exitCode).toBe(1);
    expect(res.stderr).toMatch(new RegExp(`^unik: registry ${stallAddress} sent and took nothing for 2 s during the pull of ${stallAddress}/team/x:1; gave up, nothing stored \\(UNIK_REGISTRY_IDLE_TIMEOUT=SECONDS waits longer\\) \\(log: `));
    expect(Date.now() - t0).toBeLessThan(30_000);
    expect(leftovers(home, runtime)).toEqual([]);
  });

  it.each(['SIGINT', 'SIGTERM', 'SIGKILL'] as const)('items 2 and 10: a pull killed by %s leaves no password and no scratch (a SIGKILL\'s are swept by the next command)', async (sig) => {
    const home = tmpTree();
    const runtime = privateDir();
    const env = { UNIK_HOME: home, XDG_RUNTIME_DIR: runtime, UNIK_REGISTRY_CREDS: 'user:hunter2' };
    const child = execa(process.execPath, [CLI, 'pull', `${stallAddress}/team/x:1`], { env, reject: false, stdin: 'ignore' });
    // The auth file sits in the private runtime directory (not /tmp) while skopeo runs.
    for (let i = 0; i < 200 && !readdirSync(runtime).length; i++) await new Promise((r) => setTimeout(r, 50));
    expect(readdirSync(runtime)).toEqual([expect.stringMatching(new RegExp(`^unik-auth-${child.pid}-`))]);
    await new Promise((r) => setTimeout(r, 300));
    child.kill(sig);
    await child;
    if (sig === 'SIGKILL') {
      expect(leftovers(home, runtime).length).toBeGreaterThan(0);
      await unik(['pull', `${stallAddress}/team/x:1`], { ...env, UNIK_REGISTRY_IDLE_TIMEOUT: '1' });
    }
    expect(leftovers(home, runtime)).toEqual([]);
  }, 60_000);

  it('item 2: credentials from UNIK_REGISTRY_CREDS or `--creds -` on stdin, never in argv', async () => {
    const { l } = await storedFixture();
    const ref = `${reg.address}/team/creds-env:1`;
    const push = await unik(['push', 'hello-app', ref, '--cert-dir', reg.certDir], { UNIK_HOME: l.home, UNIK_REGISTRY_CREDS: `${reg.user}:${reg.password}` });
    expect(push.exitCode, push.stderr).toBe(0);
    const home = tmpTree();
    const pull = await execa(process.execPath, [CLI, 'pull', ref, '--creds', '-', '--cert-dir', reg.certDir], { env: { UNIK_HOME: home }, input: `${reg.user}:${reg.password}\n`, reject: false });
    expect(pull.exitCode, pull.stderr).toBe(0);
    const wrong = await execa(process.execPath, [CLI, 'pull', ref, '--creds', '-', '--cert-dir', reg.certDir], { env: { UNIK_HOME: tmpTree() }, input: `${reg.user}:nope\n`, reject: false });
    expect(wrong.exitCode).toBe(1);
    expect(wrong.stderr).toContain('refused the credentials');
  });

  it('items 1 and 24.4: a pulled image beside a local build of the same id and name: both kept, the name is ambiguous, the id picks', async () => {
    const { l, image } = await storedFixture();
    const env = { UNIK_HOME: l.home };
    const ref = `${reg.address}/team/same:1`;
    expect((await unik(['push', 'hello-app', ref, '--creds', `${reg.user}:${reg.password}`, '--cert-dir', reg.certDir], env)).exitCode).toBe(0);
    const pull = await unik(['pull', ref, '--creds', `${reg.user}:${reg.password}`, '--cert-dir', reg.certDir, '--json'], env);
    expect(pull.exitCode, pull.stderr).toBe(0);
    const pulled = JSON.parse(pull.stdout).image;
    expect(pulled.id).not.toBe(image.id);
    // Said at once, not at the next run.
    expect(pull.stderr).toContain(`unik: hello-app now names 2 images (`);
    expect(pull.stderr).toContain(`${pulled.id}: unikraft qemu/x86_64, pulled`);
    const images = JSON.parse((await unik(['images', '--json'], env)).stdout) as { id: string; cacheKey: string; pulled?: unknown }[];
    expect(images.map((i) => i.id).sort()).toEqual([image.id, pulled.id].sort());
    expect(images.find((i) => i.id === image.id)).toMatchObject({ cacheKey: image.cacheKey });
    const run = await unik(['run', 'hello-app', '--dry-run'], env);
    expect(run.exitCode).toBe(2);
    expect(run.stderr.trim()).toMatch(new RegExp(`^unik: image: expected a name that one image has, found "hello-app", which 2 have: .*${pulled.id} \\(unikraft qemu/x86_64, pulled\\).*; name one by its id$`));
    expect(run.stderr).toContain(`${image.id} (unikraft qemu/x86_64, built here)`);
    // A bare word that is also an app directory here is no silent pick either.
    const cwd = tmpTree({ 'hello-app/unik.yaml': 'name: hello-app\ntarget: unikraft\nsources: [main.c]\n', 'hello-app/main.c': '' });
    const both = await unik(['run', 'hello-app', '--dry-run'], env, cwd);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/^unik: IMAGE: expected a directory or an image, found "hello-app", which is both the app directory \.\/hello-app and the stored image [0-9a-f]{12} .*: write \.\/hello-app for the directory, or the id for the image$/m);
  });

  it('item 6: `unik import` of a layer with a negative PAX size is refused at once (it looped forever)', async () => {
    const tar = rawTar([{ name: 'PaxHeader', type: 'x', data: pax({ size: '-512' }) }, { name: 'unik/kernel', type: '0', data: Buffer.from('k') }]);
    const file = join(tmpTree(), 'neg.tar');
    writeFileSync(file, archiveOf(await craftLayout({ tar })));
    const home = tmpTree();
    mkdirSync(join(home, 'images'));
    const t0 = Date.now();
    const res = await unik(['import', file], { UNIK_HOME: home });
    expect(res.exitCode).toBe(2);
    expect(res.stderr.trim()).toMatch(/^unik: .*neg\.tar: expected a tar layer of files, found malformed PAX header: the size "-512" is not a non-negative decimal number$/);
    expect(Date.now() - t0).toBeLessThan(10_000);
    expect(readdirSync(join(home, 'images')).filter((f) => f !== '.lock')).toEqual([]);
  });
});
