import { usageError } from './errors.js';

/** How one kind of record (image, instance) is named on the command line. */
export interface RefKind<T> {
  kind: string;
  id: (t: T) => string;
  name: (t: T) => string;
  /** The command that lists them ("images", "ps"), named in the "not found" line. */
  list: string;
}

/**
 * Pure: the record a user's reference means: an exact id, else a name (the first in `all` wins: callers
 * sort newest first), else an id prefix of 4+ characters that only one record has. Several records sharing
 * the prefix is an error listing them: picking one could stop or delete the wrong thing.
 */
export function findByRef<T>(all: T[], ref: string, k: RefKind<T>): T {
  const exact = all.find((t) => k.id(t) === ref) ?? all.find((t) => k.name(t) === ref);
  if (exact) return exact;
  const byPrefix = ref.length >= 4 ? all.filter((t) => k.id(t).startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) {
    const list = byPrefix.map((t) => `${k.id(t)} (${k.name(t)})`).sort().join(', ');
    throw usageError(`${k.kind}: expected a unique id prefix or a name, found ${JSON.stringify(ref)}, which matches ${byPrefix.length}: ${list}`);
  }
  throw usageError(`${k.kind}: expected an ${k.kind} id or name (see "unik ${k.list}"), found ${JSON.stringify(ref)}`);
}
