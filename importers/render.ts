import { stringify } from 'yaml';
import type { RawManifest } from '../manifest/manifest.js';
import type { Translation } from './types.js';

/** Pure: the unik.yaml text for a translation: where it came from, then the manifest in unik's key order. */
export function renderManifest(t: Translation): string {
  const m: RawManifest = t.manifest;
  const ordered = {
    name: m.name,
    target: m.target,
    ...(m.platform ? { platform: m.platform } : {}),
    ...(m.program ? { program: m.program } : { sources: m.sources }),
    ...(m.fork ? { fork: m.fork } : {}),
    ...(m.files ? { files: m.files } : {}),
    ...(m.env ? { env: m.env } : {}),
    ...(m.cmdline ? { cmdline: m.cmdline } : {}),
    ...(m.packages ? { packages: m.packages } : {}),
    ...(m.libraries ? { libraries: m.libraries } : {}),
    ...(m.files ? { files: m.files } : {}),
    ...(m.devices ? { devices: m.devices } : {}),
  };
  const head = `# Translated by "unik init --from" from ${t.from}; what it could not translate is listed in its output.\n`;
  return head + stringify(ordered, { flowCollectionPadding: false, lineWidth: 0 });
}
