/**
 * How many bytes a layer may unpack to, from what its record declares: the kernel's size and each boot file's
 * size (filesBytes), plus room for tar headers, padding and urunc.json. A gzip layer is inflated only up to
 * this: a bomb that expands to gigabytes stops at the cap, before it costs the memory.
 */
const HEADER_ROOM = 1024 * 1024;
/** Packages written before filesBytes existed still declare their files: each may take this much. */
export const UNDECLARED_FILE_MAX = 1024 * 1024 * 1024;
/** A config, manifest or index is a few KB; one of megabytes is not unik's. */
export const JSON_BLOB_MAX = 4 * 1024 * 1024;

const count = (v: unknown): number | null => (Number.isSafeInteger(v) && (v as number) >= 0 ? (v as number) : null);

/** Pure: the unpacked layer's cap for a (not yet checked) label, or null when it declares no usable sizes. */
export function layerCap(label: unknown): number | null {
  const rec = (label as { record?: Record<string, unknown> } | null)?.record;
  if (!rec || typeof rec !== 'object') return null;
  const kernel = count(rec.sizeBytes);
  const files = rec.files && typeof rec.files === 'object' ? Object.keys(rec.files) : [];
  const declared = (rec.filesBytes ?? {}) as Record<string, unknown>;
  if (kernel === null || files.length > 16) return null;
  let total = kernel + HEADER_ROOM;
  for (const role of files) total += (Object.hasOwn(declared, role) ? count(declared[role]) : UNDECLARED_FILE_MAX) ?? Infinity;
  return Number.isFinite(total) ? total : null;
}
