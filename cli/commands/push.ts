import { humanBytes } from '../../lib/format.js';
import { layout } from '../../lib/home.js';
import { pushImage } from '../../oci/push.js';
import { endProgress, printJson, writeOut } from '../output.js';
import { registryOptions, type RegistryFlags } from '../registry-flags.js';
import { storedImage } from '../resolve-image.js';

export async function pushCommand(imageArg: string, ref: string, flags: RegistryFlags): Promise<void> {
  const image = await storedImage(imageArg);
  let res;
  try {
    res = await pushImage(layout(), image, ref, registryOptions(flags));
  } finally {
    endProgress(flags);
  }
  if (flags.json) return printJson(res);
  const size = res.blobs.reduce((n, b) => n + b.size, 0);
  writeOut(`pushed ${image.name} (${image.id}) to ${res.ref}\ndigest: ${res.digest} · ${humanBytes(size)} in ${res.blobs.length} blobs\n`);
}
