import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { withStartupFlags } from './linear-regexp-flag.js';
import { privateCacheDir, storePrivately } from './private-cache.js';
import { quickHash } from './quick-hash.js';

/**
 * Cache files kept at most, one per bundle (the CLI, its vendored yaml and execa, the templates) and command;
 * the oldest go first (each `npm run build` makes new ones).
 */
const KEEP = 96;

/** Where V8's code caches live (null: run without a cache). */
export const codeCacheDir = (env: NodeJS.ProcessEnv = process.env): string | null => privateCacheDir('v8', env);

/**
 * The cache file for one build of a bundle, this Node, its flags and one command: the bundle's inode, size and
 * mtime change with every build (V8 checks a cache against the source's length only); V8 rejects a cache made
 * under other flags, so each set of flags gets its own file. A cache per command holds the
 * functions that command ran, so `unik run` starts with run's bytecode, not --help's.
 */
export function codeCacheName(bundle: { ino: number; size: number; mtimeMs: number }, command: string, flags: string): string {
  const word = /^[a-z]{1,16}$/.test(command) ? command : '_';
  return `${bundle.ino}-${bundle.size}-${Math.trunc(bundle.mtimeMs)}-${process.version}-${process.arch}-${quickHash(new TextEncoder().encode(flags))}-${word}.bin`;
}

/**
 * Run a CommonJS bundle as Node would, but through V8's code cache, and return its exports: what Node 22's
 * module.enableCompileCache does, for the Node 20 unik supports. A start then skips parsing and compiling what the
 * command runs. The cache is written at a successful exit when there was none or V8 rejected it; a cache failure
 * only costs speed. The bundle's text is already Node's CommonJS wrapper around the module (scripts/bundle.mjs
 * writes it so), one function expression taking (exports, require, module, __filename, __dirname).
 */
export function runWithCodeCache(bundle: string, command: string, env: NodeJS.ProcessEnv = process.env): unknown {
  const dir = codeCacheDir(env);
  const file = dir ? join(dir, codeCacheName(statSync(bundle), command, `${process.execArgv.join(' ')}\0${env.NODE_OPTIONS ?? ''}`)) : null;
  let cachedData: Buffer | undefined;
  try {
    if (file) cachedData = readFileSync(file);
  } catch {
    cachedData = undefined;
  }
  // esbuild writes ASCII only (charset: 'ascii'), so latin1 decodes it exactly and faster than UTF-8.
  const source = readFileSync(bundle, 'latin1');
  const script = withStartupFlags(() => new Script(source, { filename: bundle, ...(cachedData ? { cachedData } : {}) }));
  // Written after a command that succeeded, so the cache holds the functions of its usual path, not an error's.
  if (file && (!cachedData || script.cachedDataRejected)) process.once('exit', (code) => code === 0 && saveCodeCache(dir!, file, script));
  const mod: { exports: unknown } = { exports: {} };
  (script.runInThisContext() as (...a: unknown[]) => void)(mod.exports, createRequire(bundle), mod, bundle, dirname(bundle));
  return mod.exports;
}

function saveCodeCache(dir: string, file: string, script: Script): void {
  // A full or read-only disk only costs the next start its head start.
  storePrivately(dir, file, () => withStartupFlags(() => script.createCachedData()), KEEP);
}
