/**
 * V8's linear-time RegExp engine (the `l` flag, used for ready patterns) sits behind a V8 flag that unik sets at
 * run time, only when a pattern is compiled. V8 stamps every code cache with a hash of its flags and rejects a
 * cache made under other flags, so a cache written while the flag was on never matched the next start (where it
 * is off): each `unik build`, and each `unik run` of an image with a ready pattern, compiled the whole CLI anew
 * and wrote its cache again. Code-cache reads and writes therefore run with V8's flags as at start-up.
 * The state is kept on globalThis: the launcher (dist/cli/main.cjs) and the CLI bundle each hold a copy of this
 * module.
 */
/** The global mark (Symbol.for) that the flag is on. */
export const LINEAR_REGEXP_MARK = 'unik.linearRegExpEngine';
const ON = Symbol.for(LINEAR_REGEXP_MARK);
const FLAG = 'enable-experimental-regexp-engine';

type V8Flags = { setFlagsFromString(flags: string): void };
type Marked = { [ON]?: boolean };
const v8 = (): V8Flags => process.getBuiltinModule('node:v8') as V8Flags;

/** Lets RegExps take the `l` flag from now on (loads node:v8 only the first time). */
export function enableLinearRegExps(): void {
  const g = globalThis as Marked;
  if (g[ON]) return;
  v8().setFlagsFromString(`--${FLAG}`);
  g[ON] = true;
}

/** f's result, computed with V8's flags as a fresh start has them (the linear engine off), so code caches match. */
export function withStartupFlags<T>(f: () => T): T {
  if (!(globalThis as Marked)[ON]) return f();
  v8().setFlagsFromString(`--no-${FLAG}`);
  try {
    return f();
  } finally {
    v8().setFlagsFromString(`--${FLAG}`);
  }
}
