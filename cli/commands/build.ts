import { buildImage } from '../../images/build.js';
import type { Platform } from '../../manifest/manifest.js';
import { humanBytes } from '../../lib/format.js';
import { totalBytes } from '../../images/store.js';
import { endProgress, note, printJson, progressSink, writeOut } from '../output.js';

interface BuildFlags {
  platform?: Platform;
  cache: boolean;
  json?: boolean;
}

export async function buildCommand(dir: string, flags: BuildFlags): Promise<void> {
  let result;
  try {
    result = await buildImage({
      dir,
      ...(flags.platform ? { platform: flags.platform } : {}),
      noCache: !flags.cache,
      progress: progressSink(flags),
      onNote: note,
    });
  } finally {
    endProgress(flags);
  }
  const { image, cached } = result;
  if (flags.json) {
    printJson({ image: { ...image, cached } });
    return;
  }
  writeOut(
    `${cached ? 'cached' : 'built'} ${image.name} (${image.id}) · ${image.target} ${image.platform} · ` +
      `${humanBytes(image.sizeBytes)}${Object.keys(image.files).length ? ` (${humanBytes(totalBytes(image))} with its files)` : ''} · ` +
      `${cached ? 'no build needed' : `${image.buildSeconds} s`}\n` +
      `drivers: ${image.drivers.join(' ') || '(none)'}\n` +
      `kernel:  ${image.path}\n` +
      Object.entries(image.files).map(([role, path]) => `${`${role}:`.padEnd(9)}${path}\n`).join('') +
      (result.logPath ? `log:     ${result.logPath}\n` : ''),
  );
}
