import { CXX_SOURCE } from './libc.js';
import { relative } from 'node:path';
import { renderTemplate } from '../../lib/templates.js';
import { manifestError } from '../../manifest/errors.js';
import type { Manifest } from '../../manifest/manifest.js';
import type { DriverSet, GeneratedFile } from '../target.js';

export const UNIKRAFT_TEMPLATES = ['Makefile.uk', 'Config.uk', 'defconfig'] as const;

/** Unikraft compiles these; headers are listed in sources so they are symlinked and hashed, not compiled. */
const COMPILED = /\.(c|S|cc|cpp)$/;
const ALLOWED = /\.(c|S|cc|cpp|h|hpp)$/;

/** The app library's name: "app" + the image name without '-', as Unikraft's addlib wants [a-z0-9_]. */
export const libName = (name: string) => `app${name.replace(/-/g, '_')}`;

/** Relative source paths as they appear under the generated app's src/ directory. */
export function relativeSources(manifest: Manifest): string[] {
  return manifest.sources.map((abs, i) => {
    const rel = relative(manifest.appDir, abs);
    if (!ALLOWED.test(rel)) {
      throw manifestError(manifest.manifestPath, `sources[${i}]`, 'a C source or header (.c .S .cc .cpp .h .hpp) for target unikraft', JSON.stringify(rel));
    }
    return rel;
  });
}

/** Pure: the app's Makefile.uk, Config.uk and defconfig, relative to the generated app directory. */
export function renderUnikraft(manifest: Manifest, drivers: DriverSet): GeneratedFile[] {
  const lib = libName(manifest.name);
  const sources = relativeSources(manifest);
  const data = {
    manifestFile: 'unik.yaml',
    name: manifest.name,
    libname: lib,
    LIBNAME: lib.toUpperCase(),
    sources: sources.filter((s) => COMPILED.test(s)),
    settings: drivers.settings,
    cxx: sources.some((s) => CXX_SOURCE.test(s)),
  };
  if (!data.sources.length) {
    throw manifestError(manifest.manifestPath, 'sources', 'at least one .c/.S/.cc/.cpp file for target unikraft', 'only headers');
  }
  return UNIKRAFT_TEMPLATES.map((file) => ({ path: file, content: renderTemplate('unikraft', file, data) }));
}
