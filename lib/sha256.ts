import type * as Crypto from 'node:crypto';
import { createRequire } from 'node:module';

let crypto: typeof Crypto | undefined;

/**
 * A sha256 hash. node:crypto loads on first use, not when a module that might hash is imported: loading it
 * costs a start several ms, and `unik run` of a stored image hashes nothing.
 */
export const sha256 = (): Crypto.Hash => (crypto ??= createRequire(import.meta.url)('node:crypto') as typeof Crypto).createHash('sha256');
