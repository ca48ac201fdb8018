import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { findImage, listImages } from '../images/store.js';
import { usageError } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import type { ImageRecord } from '../images/record.js';
import type { Platform } from '../manifest/manifest.js';
import { note } from './output.js';

/**
 * `unik run X`: a directory with unik.yaml is built first (through the cache) and boots with its own
 * manifest's run settings; anything else names a stored image, which boots with the settings stored with it.
 * `platform` picks the build's platform, or the stored image of that name built for it.
 */
export async function imageFromArg(arg: string, progress?: ProgressSink, platform?: Platform): Promise<ImageRecord> {
  if (existsSync(join(arg, 'unik.yaml'))) {
    // The build pipeline (yaml, ajv, execa, handlebars) loads only when there is something to build.
    const { buildImage } = await import('../images/build.js');
    const built = await buildImage({ dir: arg, onNote: note, ...(progress ? { progress } : {}), ...(platform ? { platform } : {}) });
    return built.runnable;
  }
  const l = layout();
  const image = findImage(l, arg);
  if (!platform || image.platform === platform) return image;
  const other = listImages(l).find((r) => r.name === image.name && r.platform === platform);
  if (!other) throw usageError(`--platform: expected a stored ${platform} image of ${image.name}, found only ${image.platform} (run "unik build DIR --platform ${platform}")`);
  return other;
}
