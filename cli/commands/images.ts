import { layout } from '../../lib/home.js';
import { deviceKinds } from '../../manifest/devices.js';
import { problemLine, removeImage, scanImages } from '../../images/store.js';
import { humanBytes, table } from '../../lib/format.js';
import { terminalSafe } from '../../lib/terminal-text.js';
import { note, printJson, type OutputOptions } from '../output.js';
import { looksLikeRef } from '../../oci/ref.js';
import { storedImage } from '../resolve-image.js';

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

export async function inspectCommand(ref: string, _flags: OutputOptions): Promise<void> {
  const image = await storedImage(ref);
  printJson(image);
}

export async function rmiCommand(ref: string, flags: OutputOptions): Promise<void> {
  const l = layout();
  // A REF names a pulled image; anything else goes to the store as typed, which also removes a damaged record by id.
  const image = await removeImage(l, looksLikeRef(ref) ? (await storedImage(ref)).id : ref);
  const { forgetRefsTo } = await import('../../oci/refs.js');
  await forgetRefsTo(l, image.id);
  if (flags.json) return printJson({ removed: image.id, name: image.name });
  process.stdout.write(`removed ${terminalSafe(image.name)} (${image.id})\n`);
}
