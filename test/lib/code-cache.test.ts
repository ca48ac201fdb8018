import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeCacheDir, codeCacheName, runWithCodeCache } from '../../lib/code-cache.js';
import { LINEAR_REGEXP_MARK } from '../../lib/linear-regexp-flag.js';
import { CLI, ROOT } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const bundle = { ino: 42, size: 1000, mtimeMs: 1234.5 };

describe('codeCacheName', () => {
  it('changes with the bundle build, the command and the flags', () => {
    const base = codeCacheName(bundle, 'run', '');
    expect(base).toBe(`42-1000-1234-${process.version}-${process.arch}-${base.split('-').at(-2)}-run.bin`);
    expect(codeCacheName({ ...bundle, mtimeMs: 9999 }, 'run', '')).not.toBe(base);
    expect(codeCacheName({ ...bundle, size: 1001 }, 'run', '')).not.toBe(base);
    expect(codeCacheName(bundle, 'build', '')).not.toBe(base);
    expect(codeCacheName(bundle, 'run', '--cpu-prof')).not.toBe(base);
  });

  it('never puts a user word that is not a plain command into a file name', () => {
    for (const word of ['../../etc/passwd', 'RUN', '', '--version', 'a'.repeat(40)]) expect(codeCacheName(bundle, word, '')).toMatch(/-_\.bin$/);
  });
});

describe('codeCacheDir', () => {
  it('makes a private directory under XDG_CACHE_HOME', () => {
    const home = tmpTree();
    const dir = codeCacheDir({ XDG_CACHE_HOME: home });
    expect(dir).toBe(join(home, 'unik', 'v8'));
    expect(statSync(dir!).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory others can write: its bytecode would run as this user', () => {
    const home = tmpTree();
    mkdirSync(join(home, 'unik', 'v8'), { recursive: true });
    chmodSync(join(home, 'unik', 'v8'), 0o777);
    expect(codeCacheDir({ XDG_CACHE_HOME: home })).toBeNull();
  });
});

/** The built launcher (dist/cli/main.cjs) copied beside a small bundle of our own, run as a user runs unik. */
describe('the unik launcher', () => {
  const setup = () => {
    const dir = tmpTree();
    copyFileSync(CLI, join(dir, 'main.cjs'));
    writeFileSync(
      join(dir, 'unik.cjs'),
      '(function (exports, require, module, __filename, __dirname) {\nconst { join } = require("node:path");\nconsole.log(JSON.stringify({ file: __filename, dir: __dirname, path: join("a", "b") }));\nprocess.exitCode = Number(process.argv[3] ?? 0);\n})',
    );
    const cache = tmpTree();
    const run = (...args: string[]) => spawnSync(process.execPath, [join(dir, 'main.cjs'), ...args], { env: { ...process.env, XDG_CACHE_HOME: cache }, encoding: 'utf8' });
    return { dir, cache: join(cache, 'unik', 'v8'), run };
  };

  it('runs the bundle beside it as CommonJS, with its own __filename and require', () => {
    const { dir, run } = setup();
    const r = run('hello');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ file: join(dir, 'unik.cjs'), dir, path: join('a', 'b') });
  });

  it('writes one cache per command after a successful run, keeps it, and writes none after a failure', () => {
    const { cache, run } = setup();
    expect(run('fails', '3').status).toBe(3);
    expect(readdirSync(cache)).toEqual([]);
    expect(run('hello').status).toBe(0);
    const [file] = readdirSync(cache);
    expect(file).toMatch(/-hello\.bin$/);
    const written = statSync(join(cache, file!)).mtimeMs;
    expect(run('hello').status).toBe(0);
    expect(statSync(join(cache, file!)).mtimeMs).toBe(written);
    expect(run('other').status).toBe(0);
    expect(readdirSync(cache)).toHaveLength(2);
  });

  it('keeps a cache written after the linear RegExp flag was turned on (as compiling a ready pattern does)', () => {
    const { dir, cache, run } = setup();
    writeFileSync(
      join(dir, 'unik.cjs'),
      '(function (exports, require, module) {\n' +
        "process.getBuiltinModule('node:v8').setFlagsFromString('--enable-experimental-regexp-engine');\n" +
        `globalThis[Symbol.for(${JSON.stringify(LINEAR_REGEXP_MARK)})] = true;\n` +
        "console.log(new RegExp('a+$', 'l').test('aaa'));\n})",
    );
    expect(run('build').stdout.trim()).toBe('true');
    const [file] = readdirSync(cache);
    const written = statSync(join(cache, file!)).mtimeMs;
    // V8 rejects a cache made under other flags; a rejected one would be written again.
    expect(run('build').stdout.trim()).toBe('true');
    expect(statSync(join(cache, file!)).mtimeMs).toBe(written);
  });

  it('replaces a damaged cache, and the bundle still runs from it', () => {
    const { cache, run } = setup();
    run('hello');
    const [file] = readdirSync(cache);
    writeFileSync(join(cache, file!), 'not bytecode');
    const r = run('hello');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).path).toBe(join('a', 'b'));
    expect(statSync(join(cache, file!)).size).toBeGreaterThan('not bytecode'.length);
  });

  it('returns what the bundle exports, from source and then from its cache', () => {
    const dir = tmpTree();
    const file = join(dir, 'lib.cjs');
    writeFileSync(file, '(function (exports, require, module, __filename) {\nmodule.exports = { answer: 42, file: __filename };\n})');
    const env = { XDG_CACHE_HOME: tmpTree() };
    expect(runWithCodeCache(file, 'x', env)).toEqual({ answer: 42, file });
    expect(runWithCodeCache(file, 'x', env)).toEqual({ answer: 42, file });
  });

  it('the vendored yaml and execa bundles export what unik imports from them', () => {
    const env = { XDG_CACHE_HOME: tmpTree() };
    const yaml = runWithCodeCache(join(ROOT, 'dist', 'cli', 'vendor-yaml.cjs'), 'test', env) as Record<string, unknown>;
    const execa = runWithCodeCache(join(ROOT, 'dist', 'cli', 'vendor-execa.cjs'), 'test', env) as Record<string, unknown>;
    for (const name of ['parseDocument', 'stringify', 'isMap', 'isScalar', 'isSeq', 'LineCounter']) expect(typeof yaml[name], name).toBe('function');
    expect(typeof execa.execa).toBe('function');
  });

  it('runs unik itself: --version from the built bundle', () => {
    expect(execFileSync(process.execPath, [CLI, '--version'], { encoding: 'utf8' }).trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
