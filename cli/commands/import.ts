import { layout } from '../../lib/home.js';
import { importArchive } from '../../oci/archive.js';
import { printJson, type OutputOptions, writeOut } from '../output.js';
import { noteNameClash } from '../resolve-image.js';

export async function importCommand(file: string, flags: OutputOptions): Promise<void> {
  const res = await importArchive(layout(), file);
  noteNameClash(res.image);
  if (flags.json) return printJson(res);
  writeOut(`imported ${res.image.name} (${res.image.id}) · ${res.image.target} ${res.image.platform}\ndigest: ${res.digest}\n`);
}
