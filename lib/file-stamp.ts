import { statSync } from 'node:fs';

/**
 * A file's state as the kernel keeps it: rewriting, replacing or touching the file changes its ctime, which no
 * tool can set back, so an unchanged stamp means unchanged bytes since they were last hashed. File times come
 * from a coarse clock: a stamp is only trusted once its ctime is a second old, so a write in the same tick as a
 * check cannot hide behind it.
 */
export const fileStamp = (path: string): { stamp: string; settled: boolean } | null => {
  const st = statSync(path, { throwIfNoEntry: false });
  return st ? { stamp: `${st.dev}:${st.ino}:${st.size}:${st.ctimeMs}`, settled: Date.now() - st.ctimeMs > 1000 } : null;
};
