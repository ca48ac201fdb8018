import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout, unikHome } from '../../lib/home.js';
import { readLock } from '../../sources/lock.js';
import { ARCHIVE_ORIGINS } from '../../sources/known-sources.js';
import { unik } from '../helpers/cli.js';
import { BUILD_TIMEOUT } from '../helpers/timeouts.js';
import { tmpTree } from '../helpers/tmp.js';
import { productSource } from '../helpers/toolchain.js';

// The Unikraft catalog's helloworld-cpp, as a user gets it, from the catalog mirror (no copy is committed here).
const suite = 'catalog helloworld-cpp import integration test';
const catalog = join(process.env.UNIK_SOURCES_FROM ?? '/work/.mirror', 'unikraft+catalog', 'repo');
const libs = ['unikraft', 'lib-musl', 'lib-libcxx', 'lib-libcxxabi', 'lib-libunwind', 'lib-compiler-rt'] as const;
const sources = libs.map((n) => productSource(n, suite));
const archives = readLock(layout(unikHome())).archives;
const missingArchives = Object.keys(ARCHIVE_ORIGINS).filter((url) => !archives[url] || !existsSync(archives[url]!.path));
if (missingArchives.length) console.warn(`\n*** SKIPPING ${suite}: archives missing from unik's archive cache: ${missingArchives.join(', ')} (scripts/setup.sh adds them) ***\n`);
if (!existsSync(catalog)) console.warn(`\n*** SKIPPING ${suite}: no catalog mirror at ${catalog} ***\n`);
const ready = sources.every(Boolean) && !missingArchives.length && existsSync(catalog);

// The product's home (its sources and archive cache, and the image a first run stores): musl and libc++ take many
// minutes to compile on 2 cores, so every later run reuses the image, as a user's second build would.
describe.skipIf(!ready)('a C++ Kraftfile app → Unikraft on musl + libc++ (integration)', () => {
  it('helloworld-cpp: init --from, build, run under TCG: prints Hello, World! and exits 0', async () => {
    const dir = join(tmpTree(), 'helloworld-cpp');
    mkdirSync(dir);
    const tar = execFileSync('git', ['--git-dir', catalog, 'archive', 'HEAD', 'native/helloworld-cpp'], { maxBuffer: 64 << 20 });
    execFileSync('tar', ['-x', '--strip-components=2', '-C', dir], { input: tar });
    // Its own name: the catalog's helloworld-c is also "helloworld", and a newer image of a name replaces the older.
    const init = await unik(['init', '--from', dir, '--name', 'helloworld-cpp']);
    expect(init.exitCode, init.stderr).toBe(0);
    expect(init.stdout).toContain('library libcxx: unik adds its pinned lib-libcxx for the C++ sources');
    const built = await unik(['build', dir, '--json']);
    expect(built.exitCode, built.stderr).toBe(0);
    expect(JSON.parse(built.stdout).image.libraries).toEqual(expect.arrayContaining(['libmusl', 'libcxx', 'libcxxabi', 'libunwind', 'libcompiler_rt']));
    const ran = await unik(['run', dir, '--accel', 'tcg', '--timeout', '120s']);
    expect(ran.exitCode, ran.stderr).toBe(0);
    expect(ran.stdout).toContain('Hello, World!');
  }, BUILD_TIMEOUT);
});
