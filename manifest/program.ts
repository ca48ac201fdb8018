import { realpathSync, statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { UnikError } from '../lib/errors.js';
import { shortValue } from './errors.js';
import type { FileDecl, RawManifest, TargetName } from './manifest.js';
import { normalShareDest, SHARE_DEST_EXPECTED } from './share-dest.js';

/** What a manifest path must lead to. */
export type PathKind = 'file' | 'directory' | 'file or directory';

type Fail = (field: string, expected: string, found: string) => UnikError;
/** load.ts's judge of a path inside the app directory (real path, symlinks resolved, escape refused). */
type Inside = (field: string, rel: string, kind: PathKind) => string;

export function isKind(real: string, kind: PathKind): boolean {
  const st = statSync(real);
  return kind === 'file' ? st.isFile() : kind === 'directory' ? st.isDirectory() : st.isFile() || st.isDirectory();
}

/**
 * `program` and `files` host paths. A relative path is the app's and must stay inside the app directory, by its
 * real path (load.ts's rules for sources). An absolute one names a host file the user chose explicitly
 * (/usr/sbin/nginx): it is taken by its real path, and must exist and be of the kind asked for.
 */
export function appOrHostPath(field: string, given: string, kind: PathKind, inside: Inside, fail: Fail): string {
  if (!isAbsolute(given)) return inside(field, given, kind);
  let real;
  try {
    real = realpathSync(given);
  } catch {
    throw fail(field, `an existing ${kind}`, `${shortValue(given)}, which does not exist`);
  }
  if (!isKind(real, kind)) throw fail(field, `a ${kind}`, `${shortValue(given)}, which is not one`);
  return real;
}

/** Guest trees the kernel fills itself: a file there would hide or break them. */
const RESERVED = ['/dev', '/proc', '/sys'];

/** `files`: guest path → host path, in the order written. Guest paths follow the share rules (one alphabet). */
export function checkFiles(raw: Record<string, string>, host: (field: string, p: string) => string, fail: Fail): FileDecl[] {
  const out: FileDecl[] = [];
  for (const [guestGiven, hostGiven] of Object.entries(raw)) {
    const field = `files[${JSON.stringify(guestGiven)}]`;
    const guest = normalShareDest(guestGiven);
    if (guest === null) throw fail(field, SHARE_DEST_EXPECTED.replace('directory', 'path'), 'that guest path');
    const reserved = RESERVED.find((r) => guest === r || guest.startsWith(`${r}/`));
    if (reserved) throw fail(field, `a guest path outside ${RESERVED.join(', ')} (the kernel provides those)`, shortValue(guestGiven));
    if (out.some((f) => f.guest === guest)) throw fail(field, 'each guest path once', `${guest} again`);
    const real = host(field, hostGiven);
    out.push({ guest, host: real, dir: statSync(real).isDirectory(), fromHost: isAbsolute(hostGiven) });
  }
  return out;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

/** `env`: names as a shell would accept them (they reach a kernel command line); values were checked by the schema. */
export function checkEnv(raw: Record<string, string>, fail: Fail): Record<string, string> {
  for (const name of Object.keys(raw)) {
    if (!ENV_NAME.test(name)) throw fail(`env[${JSON.stringify(name)}]`, 'a variable name of letters, digits and _ (not starting with a digit, at most 64)', 'that name');
  }
  return { ...raw };
}

/** Which targets take each of the program keys (the others refuse them in one line). */
export const PROGRAM_KEY_TARGETS: Record<'program' | 'files' | 'env' | 'fork' | 'unresolved', readonly TargetName[]> = {
  program: ['osv', 'unikraft'],
  files: ['osv', 'unikraft', 'mirage'],
  env: ['osv', 'unikraft'],
  fork: ['osv'],
  unresolved: ['osv'],
};

/** Pure: the first program key the manifest's target does not take, as a manifest error's parts; null if none. */
export function programKeysUnsupported(raw: RawManifest): { field: string; expected: string; found: string } | null {
  for (const [key, targets] of Object.entries(PROGRAM_KEY_TARGETS) as [keyof typeof PROGRAM_KEY_TARGETS, readonly TargetName[]][]) {
    if (raw[key] === undefined || targets.includes(raw.target)) continue;
    const found = key === 'files' || key === 'env' ? `a ${key} map` : shortValue(raw[key]);
    return { field: key, expected: `no ${key} key (${key} is supported on target ${targets.join(', ')}, not ${raw.target})`, found };
  }
  return null;
}
