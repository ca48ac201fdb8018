import { usageError } from './errors.js';

/** How one kind of record (image, instance) is named on the command line. */
export interface RefKind<T> {
  kind: string;
  id: (t: T) => string;
  name: (t: T) => string;
  /** The command that lists them ("images", "ps"), named in the "not found" line. */
  list: string;
  /** How a candidate is told apart from others of the same name, in the "ambiguous" line. */
  describe?: (t: T) => string;
}

/** Candidates in an error line: a few, then how many more (an error stays one readable line). */
const candidates = (items: string[]) => (items.length <= 6 ? items.join(', ') : `${items.slice(0, 6).join(', ')} and ${items.length - 6} more`);

/**
 * Pure: the record a user's reference means: an exact id, else the one record of that name, else an id prefix
 * of 4+ characters that only one record has. A name that several records share, or a prefix that several ids
 * share, is an error listing them: picking one (the newest, say) could boot, stop or delete the wrong thing.
 */
export function findByRef<T>(all: T[], ref: string, k: RefKind<T>): T {
  const exact = all.find((t) => k.id(t) === ref);
  if (exact) return exact;
  const named = all.filter((t) => k.name(t) === ref);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) {
    const list = named.map((t) => `${k.id(t)}${k.describe ? ` (${k.describe(t)})` : ''}`);
    throw usageError(`${k.kind}: expected a name that one ${k.kind} has, found ${JSON.stringify(ref)}, which ${named.length} have: ${candidates(list)}; name one by its id`);
  }
  const byPrefix = ref.length >= 4 ? all.filter((t) => k.id(t).startsWith(ref)) : [];
  if (byPrefix.length === 1) return byPrefix[0]!;
  if (byPrefix.length > 1) {
    const list = candidates(byPrefix.map((t) => `${k.id(t)} (${k.name(t)})`).sort());
    throw usageError(`${k.kind}: expected a unique id prefix or a name, found ${JSON.stringify(ref)}, which matches ${byPrefix.length}: ${list}`);
  }
  throw usageError(`${k.kind}: expected an ${k.kind} id or name (see "unik ${k.list}"), found ${JSON.stringify(ref)}`);
}
