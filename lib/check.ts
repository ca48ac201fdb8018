/** One line of `unik doctor`: what was checked, how it stands, and what the user can do about it. */
export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What the user can do about a warn/fail. */
  fix: string | null;
}

/** A tool on PATH: ok with its path, or `missing` (fail, or warn for an optional target) with its Debian package. */
export function toolCheck(bin: string, why: string, pkg: string, found: string | null, missing: CheckStatus = 'fail'): Check {
  return { name: bin, status: found ? 'ok' : missing, detail: found ?? `missing (${why})`, fix: found ? null : `apt-get install --no-install-recommends ${pkg}` };
}
