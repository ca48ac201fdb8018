import { usageError } from './errors.js';
import { enableLinearRegExps } from './linear-regexp-flag.js';
import { recall, remember } from './text-memo.js';

/**
 * Ready patterns come from manifests and from pulled records, and are matched against everything a guest
 * prints: a backtracking regex such as (a+)+$ could hang `unik run` (and a detached run's supervisor). They are
 * compiled for V8's linear-time engine (the `l` flag), whose matching time grows with the text and the
 * pattern, never exponentially. Backreferences and lookaround cannot run in linear time and are refused.
 */
export const READY_MAX_LENGTH = 256;

/** Pure apart from enabling V8's linear engine (lib/linear-regexp-flag.ts): the compiled pattern, or why not. */
export function compileReady(pattern: string): RegExp | { problem: string } {
  if (pattern.length > READY_MAX_LENGTH) return { problem: `a pattern of at most ${READY_MAX_LENGTH} characters` };
  // Plain text ("Hello, ", "listening on") cannot backtrack: it is searched for as a string, and a start does
  // not load node:v8 to turn the linear engine on.
  if (!/[\\^$.*+?()[\]{}|]/.test(pattern)) return new RegExp(pattern);
  // Enabled here, not at start-up: node:v8 costs a `unik run` ~3 ms, and most images have no ready pattern.
  enableLinearRegExps();
  try {
    new RegExp(pattern);
  } catch (e) {
    return { problem: 'a valid regular expression' };
  }
  try {
    return new RegExp(pattern, 'l');
  } catch {
    return { problem: 'a regular expression without backreferences or lookaround (ready patterns are matched in linear time)' };
  }
}

/**
 * Why a ready pattern cannot be used, or null. One found usable is remembered per Node version (what the linear
 * engine takes is V8's; lib/text-memo.ts), so checking a manifest does not load node:v8 (and with it node:stream)
 * on every build.
 */
export function readyProblem(pattern: string): string | null {
  const key = `${process.version}\0${pattern}`;
  if (recall('ready', key)?.value === true) return null;
  const r = compileReady(pattern);
  if (!(r instanceof RegExp)) return r.problem;
  remember('ready', key, true);
  return null;
}

/** The compiled ready pattern of an image (one stored before these checks existed is refused in one line). */
export function readyRegExp(pattern: string, image: string): RegExp {
  const r = compileReady(pattern);
  if (r instanceof RegExp) return r;
  throw usageError(`image ${image}: its ready pattern: expected ${r.problem}`);
}
