import { layout, type Layout } from '../../lib/home.js';
import type { ImageRecord } from '../../images/record.js';
import { deviceKinds } from '../../manifest/devices.js';
import { findImage, problemLine, removeImage, scanImages } from '../../images/store.js';
import { humanBytes, table } from '../../lib/format.js';
import { failure } from '../../lib/errors.js';
import { forEachRef } from '../each-ref.js';
import { terminalSafe } from '../../lib/terminal-text.js';
import { note, printJson, type OutputOptions, writeOut } from '../output.js';
import { looksLikeRef } from '../../oci/ref.js';
import { storedImage } from '../resolve-image.js';

export async function imagesCommand(flags: OutputOptions): Promise<void> {
  const { images, problems } = scanImages(layout());
  for (const p of problems) note(`warning: skipped ${problemLine(p)}`);
  if (flags.json) return printJson(images);
  if (!images.length) {
    writeOut('no images yet: run "unik build DIR"\n');
    return;
  }
  writeOut(
    table(
      ['ID', 'NAME', 'TARGET', 'PLATFORM', 'SIZE', 'DEVICES', 'ORIGIN', 'CREATED'],
      images.map((i) => [
        i.id,
        i.name,
        i.target,
        i.platform,
        humanBytes(i.sizeBytes),
        deviceKinds(i.run.devices).join(','),
        // Pulled and built images live in separate id spaces (see README, Where images come from): say which.
        i.pulled ? 'pulled' : 'built',
        i.createdAt.replace('T', ' ').slice(0, 19),
      ]),
    ),
  );
}

export async function inspectCommand(ref: string, _flags: OutputOptions): Promise<void> {
  const image = await storedImage(ref);
  printJson(image);
}

/** The image a name points at, or null where only removeImage can tell (a damaged record named by its id). */
function storedOrNull(l: Layout, ref: string): ImageRecord | null {
  try {
    return findImage(l, ref);
  } catch {
    return null;
  }
}

/** docker's rmi: each image in turn; one a running instance uses stays unless -f (the guest keeps running). */
export async function rmiCommand(refs: string[], flags: OutputOptions & { force?: boolean }): Promise<void> {
  const l = layout();
  const { forgetRefsTo } = await import('../../oci/refs.js');
  const { listInstances } = await import('../../run/instances.js');
  await forEachRef(refs, !!flags.json, async (ref) => {
    // A REF names a pulled image; anything else goes to the store as typed, which also removes a damaged record by id.
    const id = looksLikeRef(ref) ? (await storedImage(ref)).id : ref;
    const used = flags.force ? null : storedOrNull(l, id);
    const users = used ? listInstances(l).filter((i) => i.state !== 'exited' && i.image.id === used.id) : [];
    if (users.length) {
      throw failure(`image ${ref} is used by running instance ${users.map((i) => i.name).join(', ')}: "unik stop ${users[0]!.name}" first, or rmi -f`);
    }
    const image = await removeImage(l, id);
    await forgetRefsTo(l, image.id);
    return { removed: image.id, name: image.name };
  }, (r) => `removed ${terminalSafe(r.name)} (${r.removed})`);
}
