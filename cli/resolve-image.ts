import { existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { findImage, imageOrigin, listImages } from '../images/store.js';
import { usageError } from '../lib/errors.js';
import { layout } from '../lib/home.js';
import type { ProgressSink } from '../lib/progress.js';
import type { ImageRecord } from '../images/record.js';
import type { Platform } from '../manifest/manifest.js';
import { note } from './output.js';
import { looksLikeRef, parseRef } from '../oci/ref.js';
import type { RegistryOptions } from '../oci/skopeo.js';

/**
 * An IMAGE argument: an id, id prefix or name in the store, or a REF pulled here. With `pull`, a REF that
 * is not here is pulled first (and the user is told so); without, it is a usage error.
 */
export async function storedImage(arg: string, pull?: RegistryOptions, platform?: Platform): Promise<ImageRecord> {
  const l = layout();
  if (!looksLikeRef(arg)) return findImage(l, arg, platform);
  // The registry code loads only for a REF, so `unik run NAME` stays as fast as before.
  const { imageForRef } = await import('../oci/refs.js');
  const ref = parseRef(arg, 'IMAGE');
  const here = imageForRef(l, ref.canonical);
  if (here) return here;
  if (!pull) throw usageError(`IMAGE: expected an image id, name or pulled REF, found ${ref.canonical}, which is not here (run "unik pull ${ref.canonical}")`);
  process.stderr.write(`unik: ${ref.canonical} is not here; pulling it\n`);
  const { pullImage } = await import('../oci/pull.js');
  const pulled = await pullImage(l, ref.canonical, pull);
  if (pull.progress) process.stderr.write('\r\x1b[2K');
  process.stderr.write(`unik: pulled ${pulled.image.name} (${pulled.image.id}) · ${pulled.digest}\n`);
  noteNameClash(pulled.image);
  return pulled.image;
}

/** `unik run X`, `unik bench X`: X is an app directory (built first), not an image. */
export const isAppDir = (arg: string): boolean => existsSync(join(arg, 'unik.yaml'));

/**
 * `unik run X`: a directory with unik.yaml is built first (through the cache) and boots with its own
 * manifest's run settings; anything else names a stored image or a REF (pulled when missing), which boots with
 * the settings stored with it. `platform` picks the build's platform, or the stored image of that name built for it.
 */
export async function imageFromArg(arg: string, progress?: ProgressSink, platform?: Platform, registry?: RegistryOptions): Promise<ImageRecord> {
  if (isAppDir(arg)) {
    checkNotAlsoAnImage(arg);
    // The build pipeline (yaml, ajv, execa, handlebars) loads only when there is something to build.
    const { buildImage } = await import('../images/build.js');
    const built = await buildImage({ dir: arg, onNote: note, ...(progress ? { progress } : {}), ...(platform ? { platform } : {}) });
    return built.runnable;
  }
  const image = await storedImage(arg, { ...registry, ...(progress ? { progress } : {}) }, platform);
  if (!platform || image.platform === platform) return image;
  const other = listImages(layout()).find((r) => r.name === image.name && r.platform === platform);
  if (!other) throw usageError(`--platform: expected a stored ${platform} image of ${image.name}, found only ${image.platform} (run "unik build DIR --platform ${platform}")`);
  return other;
}

/**
 * A bare word (no '/') that is both an app directory here and a stored image built from somewhere else is
 * ambiguous: `run mymir` and `run ./mymir` must never boot different images without a word. A path
 * (./mymir, dir/) always means the directory; the image of that directory itself is no conflict.
 */
function checkNotAlsoAnImage(arg: string): void {
  if (arg.includes('/')) return;
  const dir = realpathSync(arg);
  const other = listImages(layout()).find((i) => (i.name === arg || i.id === arg) && (i.pulled || i.appDir !== dir));
  if (!other) return;
  throw usageError(`IMAGE: expected a directory or an image, found ${JSON.stringify(arg)}, which is both the app directory ./${arg} and the stored image ${other.id} (${imageOrigin(other)}): write ./${arg} for the directory, or the id for the image`);
}

/** After a pull or an import: when the new image's name is not its alone any more, say so at once (stderr). */
export function noteNameClash(image: ImageRecord): void {
  const same = listImages(layout()).filter((i) => i.name === image.name);
  if (same.length < 2) return;
  note(`${image.name} now names ${same.length} images (${same.map((i) => `${i.id}: ${imageOrigin(i)}`).join('; ')}): the name alone is ambiguous, use an id`);
}
