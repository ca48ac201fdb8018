import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { usageError } from '../lib/errors.js';

/** The parts of an OCI runtime-spec config.json this runtime reads; everything else is left to runc. */
export interface OciSpec {
  ociVersion?: string;
  root?: { path?: string; readonly?: boolean };
  process?: { args?: string[]; terminal?: boolean; env?: string[] };
  annotations?: Record<string, string>;
  /** Read for the resolv.conf the engine gives the container (its nameserver is a tap guest's). */
  mounts?: { destination: string; source?: string }[];
  hooks?: Partial<Record<HookKind, Hook[]>>;
  linux?: {
    namespaces?: { type: string; path?: string }[];
    cgroupsPath?: string;
    resources?: { memory?: { limit?: number } };
  };
}
export type HookKind = 'prestart' | 'createRuntime' | 'createContainer' | 'startContainer' | 'poststart' | 'poststop';
export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

/** The bundle's config.json; a missing or broken one is runc's usage error. */
export function readSpec(bundle: string): OciSpec {
  try {
    return JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8')) as OciSpec;
  } catch (e) {
    throw usageError(`${join(bundle, 'config.json')}: expected an OCI runtime config, found ${(e as NodeJS.ErrnoException).code ?? 'invalid JSON'}`);
  }
}

