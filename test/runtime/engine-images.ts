import { execa } from 'execa';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { layout } from '../../lib/home.js';
import { which } from '../../lib/which.js';
import { probeGuest } from '../../machine/probe-guest.js';
import { putImage } from '../../images/store.js';
import { CLI, ROOT, unik } from '../helpers/cli.js';
import { missingRegistryTools, startRegistry, type TestRegistry } from '../helpers/registry.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

/** unik-runtime as an engine is given it: the bundled bin, by absolute path. */
export const RUNTIME = join(ROOT, 'dist', 'runtime', 'unik-runtime.cjs');

/** unik images in a registry of this test file's own, as an engine pulls them. */
export interface EngineImages {
  registry: TestRegistry;
  /**
   * host:port/unik/<name>:1 for hello-unikraft, exit-unikraft (exits with its argument) and http-unikraft;
   * hello-mirage (spt) and hello-osv where their toolchains build them here.
   */
  refs: { hello: string; exit: string; http: string; mirage?: string; osv?: string };
  stop(): Promise<void>;
}

const APPS = { hello: join(ROOT, 'examples', 'hello-unikraft'), exit: join(ROOT, 'test', 'fixtures', 'exit-unikraft'), http: join(ROOT, 'examples', 'http-unikraft') };
/** Built where their framework is set up (MirageOS toolchain, OSv sources); otherwise one loud line each. */
const OPTIONAL = { mirage: join(ROOT, 'examples', 'hello-mirage'), osv: join(ROOT, 'examples', 'hello-osv') };
const OPTIONAL_BUILD_MS = 10 * 60_000;
const unikWithin = (args: string[], ms: number) =>
  execa(process.execPath, [CLI, ...args], { cwd: ROOT, reject: false, stdin: 'ignore', timeout: ms }).then((r) =>
    r.timedOut ? { ...r, exitCode: 1, stderr: `did not finish within ${ms / 60_000} min` } : r,
  );

/**
 * Build the images through the product's own cache (UNIK_HOME as the user has it: a rebuild is a cache hit) and
 * `unik push` them to a fresh plain-HTTP registry on loopback; null (after one loud line) without Unikraft's
 * sources or the registry tools.
 */
export async function engineImages(suite: string): Promise<EngineImages | null> {
  const missing = missingRegistryTools();
  if (missing.length) {
    console.warn(`\n*** SKIPPING ${suite}: ${missing.join(', ')} missing (apt-get install skopeo docker-registry umoci apache2-utils openssl) ***\n`);
    return null;
  }
  if (!productSource('unikraft', suite)) return null;
  const registry = await startRegistry({ plain: true });
  const refs = {} as EngineImages['refs'];
  const all = [...Object.entries(APPS), ...Object.entries(OPTIONAL)] as [keyof EngineImages['refs'], string][];
  for (const [key, dir] of all) {
    // An optional framework's first build can wait long on another build's lock (OSv's kernel cache): bounded.
    const built = key in OPTIONAL ? await unikWithin(['build', dir, '--json'], OPTIONAL_BUILD_MS) : await unik(['build', dir, '--json']);
    if (built.exitCode !== 0) {
      if (key in OPTIONAL) {
        console.warn(`\n*** SKIPPING ${suite} for ${key}: unik build ${dir} failed here: ${built.stderr.trim().split('\n')[0]} ***\n`);
        continue;
      }
      throw new Error(`unik build ${dir} failed: ${built.stderr}`);
    }
    const image = JSON.parse(built.stdout).image as { id: string; name: string };
    refs[key] = `${registry.address}/unik/${image.name}:1`;
    const pushed = await unik(['push', image.id, refs[key], '--insecure']);
    if (pushed.exitCode !== 0) throw new Error(`unik push ${image.name} failed: ${pushed.stderr}`);
  }
  return { registry, refs, stop: () => registry.stop() };
}

/**
 * The probe guest (a 5 KB multiboot kernel unik compiles itself) as a unik image, from a temp home, pushed to the
 * suite's registry. Its default arguments are "read": it echoes one line typed on its serial console, then idles.
 */
export async function readProbeRef(registry: TestRegistry): Promise<string> {
  const home = tmpTree();
  const l = layout(home);
  const image = await putImage(l, await probeGuest(l), {}, {
    id: 'f1f7a4e00002', name: 'read-probe', target: 'unikraft', platform: 'qemu/x86_64', drivers: [], libraries: [],
    buildSeconds: 0, sources: [], frameworkVersion: null, createdAt: new Date().toISOString(), appDir: home, cacheKey: '', bootSettings: {},
    run: { devices: { console: true, net: null, block: [], share: [] }, cmdline: ['read'], memoryMiB: 8, ready: 'unik-probe: up' },
  });
  const ref = `${registry.address}/unik/read-probe:1`;
  const pushed = await unik(['push', image.id, ref, '--insecure'], { UNIK_HOME: home });
  if (pushed.exitCode !== 0) throw new Error(`unik push read-probe failed: ${pushed.stderr}`);
  return ref;
}

/** A private daemon's home (temp dir) and its socket's path in it. */
export function daemonHome(socket: string): { dir: string; sock: string } {
  const dir = tmpTree();
  return { dir, sock: join(dir, socket) };
}

/** The images for an engine's suite, or null (after one loud line) when the engine's programs are missing here. */
export async function engineSuite(suite: string, programs: string[], debian: string): Promise<EngineImages | null> {
  const missing = programs.filter((p) => !which(p));
  if (missing.length) {
    console.warn(`\n*** SKIPPING ${suite}: ${missing.join(', ')} missing (apt-get install ${debian}) ***\n`);
    return null;
  }
  return engineImages(suite);
}

/**
 * An ordinary container's program for the compose test, static FROM scratch: GET http://127.0.0.1:PORT/ until a
 * 200 comes back (60 s at most), printing the status line; exit 0 on a 200, 1 otherwise.
 */
export async function staticClientTar(): Promise<string> {
  const client = `#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
int main(int argc, char **argv) {
  int port = argc > 1 ? atoi(argv[1]) : 80;
  for (int i = 0; i < 300; i++, usleep(200000)) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
    inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) { close(fd); continue; }
    const char *req = "GET / HTTP/1.0\\r\\n\\r\\n";
    char buf[256] = { 0 };
    if (write(fd, req, strlen(req)) > 0 && read(fd, buf, sizeof buf - 1) > 12) {
      close(fd);
      buf[strcspn(buf, "\\r\\n")] = 0;
      printf("client got: %s\\n", buf);
      return strstr(buf, " 200") ? 0 : 1;
    }
    close(fd);
  }
  return 1;
}
`;
  return staticTar(client, 'client');
}

/** A static C program FROM scratch, as a rootfs tar holding /NAME. */
async function staticTar(source: string, name: string): Promise<string> {
  const dir = tmpTree({ 'main.c': source });
  mkdirSync(join(dir, 'rootfs'));
  await execa('gcc', ['-static', '-O2', '-o', join(dir, 'rootfs', name), join(dir, 'main.c')]);
  const tar = join(dir, 'rootfs.tar');
  await execa('tar', ['-C', join(dir, 'rootfs'), '-cf', tar, name]);
  return tar;
}

/**
 * A container image that is not unik's: a static binary FROM scratch, as a rootfs tar to import. It prints a line
 * and exits with 3 when given an argument.
 */
export const staticImageTar = (): Promise<string> =>
  staticTar('#include <stdio.h>\nint main(int argc, char **argv) { printf("static hello\\n"); return argc > 1 ? 3 : 0; }\n', 'hello');
