/** The one git question every cached build asks of a checkout, and how its answer reads. */
export const STATUS_ARGS = ['status', '--porcelain=v2', '--branch', '--untracked-files=no'];

/** Pure: the commit and whether tracked files differ from it, out of `git status --porcelain=v2 --branch` output. */
export function parseStatusV2(out: string): { commit: string | null; changes: string[] } {
  const lines = out.split('\n').filter(Boolean);
  const oid = lines.find((l) => l.startsWith('# branch.oid '))?.slice('# branch.oid '.length) ?? null;
  return { commit: oid && /^[0-9a-f]{40}$/.test(oid) ? oid : null, changes: lines.filter((l) => !l.startsWith('#')) };
}
