import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ProgressSink } from '../targets/toolchain.js';
import type { ImageRecord } from '../images/record.js';

/** `unik run X`: a directory with unik.yaml is built first (through the cache); anything else names a stored image. */
export async function imageFromArg(arg: string, progress?: ProgressSink): Promise<ImageRecord> {
  if (existsSync(join(arg, 'unik.yaml'))) {
    const { buildImage } = await import('../images/build.js');
    return (await buildImage({ dir: arg, ...(progress ? { progress } : {}) })).image;
  }
  const [{ findImage }, { layout }] = await Promise.all([import('../images/store.js'), import('../lib/home.js')]);
  return findImage(layout(), arg);
}
