import { readFileSync } from 'node:fs';
import type { RegistryOptions } from '../oci/skopeo.js';
import { progressSink, type OutputOptions } from './output.js';

/** The registry flags push, pull and run share, as commander hands them over. */
export interface RegistryFlags extends OutputOptions {
  creds?: string;
  certDir?: string;
  insecure?: boolean;
}

/**
 * The credentials, from where a secret stays out of unik's own argv (and `ps`): `--creds -` reads one line from
 * stdin, UNIK_REGISTRY_CREDS holds USER:PASSWORD; `--creds USER:PASSWORD` still works for throw-away registries.
 */
function credsFrom(flag: string | undefined): string | undefined {
  if (flag === '-') return readFileSync(0, 'utf8').split('\n')[0]!.replace(/\r$/, '');
  return flag ?? (process.env.UNIK_REGISTRY_CREDS || undefined);
}

export const registryOptions = (flags: RegistryFlags): RegistryOptions => {
  const progress = progressSink(flags);
  const creds = credsFrom(flags.creds);
  return {
    ...(creds !== undefined ? { creds } : {}),
    ...(flags.certDir !== undefined ? { certDir: flags.certDir } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    ...(progress ? { progress } : {}),
  };
};
