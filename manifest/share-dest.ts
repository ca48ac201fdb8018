/**
 * Guest paths of host shares: one validator for unik.yaml and `run -v`. A path ends up in the kernel command
 * line (Unikraft's vfs.fstab) and as a mount point the guest creates, so it is normalised and bounded here:
 * an over-long path panics the guest at boot, and "/www" and "//www/." must count as the same mount.
 */
const MAX_LENGTH = 200;
const MAX_COMPONENTS = 16;
const COMPONENT = /^[A-Za-z0-9._-]{1,64}$/;

export const SHARE_DEST_EXPECTED =
  `an absolute guest directory other than / (components of letters, digits and ._-, no "..", at most ${MAX_COMPONENTS} components and ${MAX_LENGTH} characters)`;

/** Pure: the normal form ("/a/b": no empty or "." components), or null when not an acceptable guest path. */
export function normalShareDest(dest: string): string | null {
  if (!dest.startsWith('/') || dest.length > 4 * MAX_LENGTH) return null;
  const parts = dest.split('/').filter((p) => p !== '' && p !== '.');
  if (!parts.length || parts.length > MAX_COMPONENTS || parts.some((p) => p === '..' || !COMPONENT.test(p))) return null;
  const out = `/${parts.join('/')}`;
  return out.length <= MAX_LENGTH ? out : null;
}

/** Pure: the first problem among a list of destinations (index and what was wrong), or their normal forms. */
export function checkShareDests(dests: string[]): { ok: string[] } | { index: number; expected: string } {
  const ok: string[] = [];
  for (const [index, d] of dests.entries()) {
    const n = normalShareDest(d);
    if (n === null) return { index, expected: SHARE_DEST_EXPECTED };
    if (ok.includes(n)) return { index, expected: `a guest path used once (${n} is already a share)` };
    ok.push(n);
  }
  return { ok };
}
