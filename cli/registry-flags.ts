import type { RegistryOptions } from '../oci/skopeo.js';
import { progressSink, type OutputOptions } from './output.js';

/** The registry flags push, pull and run share, as commander hands them over. */
export interface RegistryFlags extends OutputOptions {
  creds?: string;
  certDir?: string;
  insecure?: boolean;
}

export const registryOptions = (flags: RegistryFlags): RegistryOptions => {
  const progress = progressSink(flags);
  return {
    ...(flags.creds !== undefined ? { creds: flags.creds } : {}),
    ...(flags.certDir !== undefined ? { certDir: flags.certDir } : {}),
    ...(flags.insecure ? { insecure: true } : {}),
    ...(progress ? { progress } : {}),
  };
};
