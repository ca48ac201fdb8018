import { printJson, writeOut } from './output.js';
import { reportError } from './report-error.js';

/**
 * docker's `rm A B`, `stop A B`, `rmi A B`: each name is handled in turn; one that fails is reported and the
 * others still go, and the command exits with the worst code. --json prints one object for one name (as before)
 * and an array for several (failed names as {ref, error}).
 */
export async function forEachRef<T>(refs: string[], json: boolean, act: (ref: string) => Promise<T>, line: (done: T) => string): Promise<void> {
  const out: unknown[] = [];
  let worst = 0;
  for (const ref of refs) {
    try {
      const done = await act(ref);
      out.push(done);
      if (!json) writeOut(`${line(done)}\n`);
    } catch (e) {
      if (refs.length === 1) throw e;
      const code = reportError(e, false);
      worst = Math.max(worst, code);
      out.push({ ref, error: (e as Error).message, exitCode: code });
    }
  }
  if (json) printJson(refs.length === 1 ? out[0] : out);
  if (worst) process.exitCode = worst;
}
