import { layout } from '../../lib/home.js';
import { deviceKinds } from '../../manifest/devices.js';
import { findImage, problemLine, removeImage, scanImages } from '../../images/store.js';
import { humanBytes, table } from '../../lib/format.js';
import { note, printJson, type OutputOptions } from '../output.js';

export async function imagesCommand(flags: OutputOptions): Promise<void> {
  const { images, problems } = scanImages(layout());
  for (const p of problems) note(`warning: skipped ${problemLine(p)}`);
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
  const image = findImage(layout(), ref);
  if (flags.json) return printJson(image);
  process.stdout.write(JSON.stringify(image, null, 2) + '\n');
}

export async function rmiCommand(ref: string, flags: OutputOptions): Promise<void> {
  const image = await removeImage(layout(), ref);
  if (flags.json) return printJson({ removed: image.id, name: image.name });
  process.stdout.write(`removed ${image.name} (${image.id})\n`);
}
