import { which } from '../../lib/which.js';
// The registry starter is shared with scripts/bench-oci.mjs, which cannot import TypeScript.
import * as shared from '../../scripts/registry.mjs';

/** A real registry (Debian's docker-registry, distribution 2.8) on a free port, for one test file. */
export interface TestRegistry {
  /** host:port */
  address: string;
  /** A directory holding the throw-away CA's certificate (for --cert-dir / skopeo --cert-dir). */
  certDir: string;
  user: string;
  password: string;
  /** Where the registry keeps blobs: docker/registry/v2/blobs/sha256/<2>/<hex>/data. */
  dataDir: string;
  pid: number;
  /** The registry's log (one line per request) from byte `from` on. */
  logSince(from: number): string;
  logSize(): number;
  stop(): Promise<void>;
}

export const REGISTRY_TOOLS = ['docker-registry', 'skopeo', 'openssl', 'htpasswd', 'umoci'] as const;

/** The tools the registry tests need that are missing here (the test file skips loudly on any). */
export const missingRegistryTools = (): string[] => REGISTRY_TOOLS.filter((t) => !which(t));

export const startRegistry: (o?: { plain?: boolean; host?: string }) => Promise<TestRegistry> = shared.startRegistry;
export const freePort: (host?: string) => Promise<number> = shared.freePort;
export const uploadedBlobs: (log: string) => string[] = shared.uploadedBlobs;
export const uploadStarts: (log: string) => number = shared.uploadStarts;
