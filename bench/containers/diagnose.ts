import { UnikError } from '../../lib/errors.js';

/** Known runtime failures on hosts like this one, and what they mean in plain words. */
const KNOWN: { pattern: RegExp; meaning: string }[] = [
  {
    pattern: /cgroups in hybrid mode not supported/,
    meaning: 'crun does not support hybrid cgroups (cgroup v1 controllers plus a cgroup2 hierarchy that has controllers of its own)',
  },
  {
    pattern: /error setting rlimit/,
    meaning: "the container asks for more open files or processes than this host's hard limits allow (podman's default is 1048576 of each)",
  },
  { pattern: /Cannot connect to the Docker daemon|docker daemon is not running/i, meaning: 'the docker daemon is not running' },
];

/** Pure: a plain-words reading of a runtime's error output, or null when it is not a known problem. */
export function diagnose(output: string): string | null {
  return KNOWN.find((k) => k.pattern.test(output))?.meaning ?? null;
}

/** One line for a skipped runtime: the error, then the known cause or else the last line of its output. */
export function failureReason(e: unknown): string {
  const detail = e instanceof UnikError ? (e.detail ?? '') : '';
  const why = diagnose(detail) ?? detail.trim().split('\n').at(-1);
  return why ? `${(e as Error).message}: ${why}` : (e as Error).message;
}
