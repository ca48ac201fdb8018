import { usageError } from '../../lib/errors.js';
import { humanBytes } from '../../lib/format.js';
import { exportImage } from '../../oci/archive.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';
import { storedImage } from '../resolve-image.js';

export async function exportCommand(imageArg: string, flags: OutputOptions & { output?: string }): Promise<void> {
  if (!flags.output) throw usageError('-o: expected the archive to write, e.g. -o hello.tar, found none');
  const image = await storedImage(imageArg);
  const res = await exportImage(image, flags.output);
  if (flags.json) return printJson({ ...res, image: { id: image.id, name: image.name } });
  writeOut(`exported ${image.name} (${image.id}) to ${res.file} · ${humanBytes(res.bytes)}\ndigest: ${res.digest}\n`);
}
