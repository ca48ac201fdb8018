import { layout } from '../../lib/home.js';
import { pullImage } from '../../oci/pull.js';
import { endProgress, printJson, writeOut } from '../output.js';
import { registryOptions, type RegistryFlags } from '../registry-flags.js';
import { noteNameClash } from '../resolve-image.js';

export async function pullCommand(ref: string, flags: RegistryFlags): Promise<void> {
  let res;
  try {
    res = await pullImage(layout(), ref, registryOptions(flags));
  } finally {
    endProgress(flags);
  }
  noteNameClash(res.image);
  if (flags.json) return printJson({ ref: res.ref, digest: res.digest, image: res.image });
  writeOut(`pulled ${res.image.name} (${res.image.id}) · ${res.image.target} ${res.image.platform} from ${res.ref}\ndigest: ${res.digest}\n`);
}
