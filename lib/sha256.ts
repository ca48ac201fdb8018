import type { Hash } from 'node:crypto';

/**
 * A sha256 hash. node:crypto loads on first use, not when a module that might hash is imported: loading it
 * costs a start several ms, and `unik run` of a stored image hashes nothing.
 */
export const sha256 = (): Hash => process.getBuiltinModule('node:crypto').createHash('sha256');
