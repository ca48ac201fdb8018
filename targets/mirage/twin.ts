import { existsSync, promises as fsp } from 'node:fs';
import { join } from 'node:path';
import { tempSibling } from '../../lib/atomic.js';
import { failure, usageError } from '../../lib/errors.js';
import { layout, logPathFor } from '../../lib/home.js';
import { appWorkDir } from '../../lib/workdir.js';
import { writeIfChanged } from '../../lib/workdir.js';
import { devicesOf } from '../../manifest/devices.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { ProgressSink } from '../../lib/progress.js';
import { openStepRunner } from '../../lib/steps.js';
import { duneBuild, prepareDuniverse, stageApp, stripArgs } from './build.js';
import { KV_STORE, packageDirs, UNIX_CONSOLE } from '../../toolchains/mirage/duniverse.js';
import { collectContents } from '../../programs/contents.js';
import { stageStore, STORE_LAYOUT, storeEntries } from './store.js';
import { mirageDrivers } from './drivers.js';
import { renderMirage } from './render.js';
import { requireMirageToolchain } from '../../toolchains/mirage/find.js';

/**
 * Pure: mirage's unix dune.build with a static link, so the twin runs in an empty container root.
 * null when the file does not have the shape mirage 4.10 writes (then the twin cannot be made static).
 */
export function staticLinkFlags(duneBuild: string): string | null {
  const from = '(link_flags (-thread))';
  return duneBuild.includes(from) ? duneBuild.replace(from, '(link_flags (-thread -ccopt -static))') : null;
}

/**
 * The bench twin of a MirageOS app: the same unikernel.ml and generated config.ml built for mirage's unix
 * target, statically linked and stripped. Returns the binary's path (in unik's build dir for the app).
 * Console-only apps for now: the unix network stack needs libraries the duniverse seed lacks.
 */
export async function buildMirageUnixTwin(manifest: Manifest, opts: { progress?: ProgressSink } = {}): Promise<string> {
  const l = layout();
  const devices = devicesOf(manifest);
  if (devices.net || devices.block.length) {
    throw usageError('devices: expected a console-only app for the MirageOS unix twin (its network and block stacks are not in the duniverse seed), found devices');
  }
  const tc = requireMirageToolchain(l, 'unix');
  const workDir = appWorkDir(l, manifest.name, manifest.appDir, 'mirage\0unix');
  const app = join(workDir, 'app');
  await fsp.mkdir(app, { recursive: true });
  const run = await openStepRunner(logPathFor(l, 'twin', manifest.name), opts.progress);
  const out = join(workDir, manifest.name);
  try {
    await stageApp(app, manifest, renderMirage(manifest, mirageDrivers(devices, 'unix')));
    const store = manifest.files.length ? storeEntries((await collectContents(manifest, STORE_LAYOUT)).files, manifest.manifestPath) : [];
    await stageStore(app, store);
    await run.step('configure (mirage configure -t unix)', tc.tools.mirage!, ['configure', '-t', 'unix'], { cwd: app, env: tc.env });
    // configure rewrites dune.build each time, so the static link is reapplied each time.
    const dune = staticLinkFlags(await fsp.readFile(join(app, 'dune.build'), 'utf8'));
    if (!dune) throw failure(`mirage configure -t unix wrote a dune.build without "(link_flags (-thread))"; cannot link the twin statically (${join(app, 'dune.build')})`);
    await writeIfChanged(join(app, 'dune.build'), dune);
    await prepareDuniverse(l, run, tc, app, [...new Set([...UNIX_CONSOLE, ...(store.length ? KV_STORE : []), ...packageDirs(manifest.packages).dirs])].sort());
    await duneBuild(run, tc, app);
    const built = join(app, 'dist', manifest.name);
    if (!existsSync(built)) throw failure(`dune finished but produced no ${built}; log: ${run.logPath}`);
    const tmp = tempSibling(out);
    try {
      await run.step('strip', 'strip', [...stripArgs('unix'), '-o', tmp, built]);
      await fsp.rename(tmp, out);
    } finally {
      await fsp.rm(tmp, { force: true });
    }
  } finally {
    await run.close();
  }
  return out;
}
