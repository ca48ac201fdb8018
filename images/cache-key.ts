import { sha256 } from '../lib/sha256.js';
import type { AppliedPatch, SourceRevision } from './record.js';
import { codeUnitOrder } from '../lib/order.js';

export interface CacheInputs {
  unikVersion: string;
  target: string;
  platform: string;
  name: string;
  /** Relative source path → sha256 of its content. */
  sourceHashes: Record<string, string>;
  sources: SourceRevision[];
  /** Patches applied to the build's copy of the sources (Target.patches), by content. */
  patches: AppliedPatch[];
  /** Generated build files (path → content): they carry the driver settings and the templates' shape. */
  generated: Record<string, string>;
  /** A program image's contents: guest path → sha256 of the bytes (program, libraries, `files`). */
  contents?: Record<string, string>;
  /** Toolchain versions and seeded libraries outside the sources cache (Target.fingerprint), where a target has them. */
  toolchain?: Record<string, string>;
}

/**
 * Pure: the key under which a built kernel is reused. Run-time settings (cmdline, memory, ready) are left out
 * on purpose: they do not change the kernel. A dirty framework checkout never yields a key (null): its
 * uncommitted state cannot be named, so make decides. `digest` is sha256 (hex) of the key's text; a build passes
 * lib/sha256-memo.ts's, which remembers it.
 */
export function cacheKey(inputs: CacheInputs, digest: (text: string) => string = (t) => sha256().update(t).digest('hex')): string | null {
  if (inputs.sources.some((s) => s.dirty)) return null;
  const stable = JSON.stringify(inputs, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => codeUnitOrder(a, b)))
      : v,
  );
  return digest(stable);
}
