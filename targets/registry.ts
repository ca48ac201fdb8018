import type { TargetName } from '../manifest/manifest.js';
import type { Target } from './target.js';

/** Adapters load lazily: `unik --help` and commands that never build stay fast. */
export async function targetFor(name: TargetName): Promise<Target> {
  switch (name) {
    case 'unikraft':
      return (await import('./unikraft/index.js')).unikraft;
    case 'mirage':
      return (await import('./mirage/index.js')).mirage;
    case 'osv':
      return (await import('./osv/index.js')).osv;
    default:
      throw new (await import('../lib/errors.js')).UnikError(
        `target: ${name} is not available in this version of unik (available: unikraft, mirage, osv)`,
        2,
      );
  }
}
