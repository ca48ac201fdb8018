import { layout } from '../../lib/home.js';
import { deviceKinds } from '../../manifest/devices.js';
import { listImages, removeImage } from '../../images/store.js';
import { humanBytes, table } from '../../lib/format.js';
import { printJson, type OutputOptions } from '../output.js';
import { storedImage } from '../resolve-image.js';

export async function imagesCommand(flags: OutputOptions): Promise<void> {
  const images = listImages(layout());
  if (flags.json) return printJson(images);
  if (!images.length) {
    process.stdout.write('no images yet: run "unik build DIR"\n');
    return;
  }
  process.stdout.write(
    table(
      ['ID', 'NAME', 'TARGET', 'PLATFORM', 'SIZE', 'DEVICES', 'CREATED'],
      images.map((i) => [
        i.id,
        i.name,
        i.target,
        i.platform,
        humanBytes(i.sizeBytes),
        deviceKinds(i.run.devices).join(','),
        i.createdAt.replace('T', ' ').slice(0, 19),
      ]),
    ),
  );
}

export async function inspectCommand(ref: string, flags: OutputOptions): Promise<void> {
  const image = await storedImage(ref);
  if (flags.json) return printJson(image);
  process.stdout.write(JSON.stringify(image, null, 2) + '\n');
}

export async function rmiCommand(ref: string, flags: OutputOptions): Promise<void> {
  const l = layout();
  const image = await removeImage(l, (await storedImage(ref)).id);
  const { forgetRefsTo } = await import('../../oci/refs.js');
  await forgetRefsTo(l, image.id);
  if (flags.json) return printJson({ removed: image.id, name: image.name });
  process.stdout.write(`removed ${image.name} (${image.id})\n`);
}
