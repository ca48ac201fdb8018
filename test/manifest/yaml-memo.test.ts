import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../../manifest/load.js';
import { jsonExact, recallYaml, rememberYaml } from '../../manifest/yaml-memo.js';
import { CLI, unik } from '../helpers/cli.js';
import { tmpTree } from '../helpers/tmp.js';

const memoDir = (cache: string) => join(cache, 'unik', 'yaml');

describe('jsonExact', () => {
  it('takes plain data', () => {
    expect(jsonExact({ a: [1, 'x', true, null, { b: 2.5 }], c: {} })).toBe(true);
  });

  it('refuses what JSON would change', () => {
    for (const [i, v] of [Number.NaN, Infinity, -0, new Date(0), new Map(), new Uint8Array(1), undefined, 1n, [, 1], Object.create(null), JSON.parse('{"__proto__": 1}')].entries()) {
      expect(jsonExact({ v }), `case ${i}`).toBe(false);
    }
  });
});

describe('recallYaml / rememberYaml', () => {
  it('gives back the value for exactly the text it was remembered for', () => {
    const env = { XDG_CACHE_HOME: tmpTree() };
    expect(recallYaml('a: 1\n', env)).toBeNull();
    rememberYaml('a: 1\n', { a: 1 }, env);
    expect(recallYaml('a: 1\n', env)).toEqual({ value: { a: 1 } });
    expect(recallYaml('a: 2\n', env)).toBeNull();
  });

  it('an entry found under the text\'s name but made from another text is not used', () => {
    const env = { XDG_CACHE_HOME: tmpTree() };
    rememberYaml('a: 1\n', { a: 1 }, env);
    const [file] = readdirSync(memoDir(env.XDG_CACHE_HOME));
    writeFileSync(join(memoDir(env.XDG_CACHE_HOME), file!), JSON.stringify({ key: 'a: 9\n', value: { a: 9 } }));
    expect(recallYaml('a: 1\n', env)).toBeNull();
    writeFileSync(join(memoDir(env.XDG_CACHE_HOME), file!), 'not json');
    expect(recallYaml('a: 1\n', env)).toBeNull();
  });

  it('does not remember what JSON cannot hold exactly', () => {
    const env = { XDG_CACHE_HOME: tmpTree() };
    rememberYaml('a: .nan\n', { a: Number.NaN }, env);
    expect(recallYaml('a: .nan\n', env)).toBeNull();
  });
});

describe('a remembered manifest', () => {
  const app = tmpTree({ 'main.c': 'int main(void){return 0;}\n' });

  it('is checked like a fresh one: a remembered value that breaks the schema is refused', () => {
    const text = 'name: remembered-bad\ntarget: unikraft\nsources: [main.c]\n';
    rememberYaml(text, { name: 'remembered-bad', target: 'not-a-target', sources: ['main.c'] });
    expect(() => parseManifest(text, app)).toThrow(/target/);
  });

  it('parses once: the next start of unik never reads the YAML parser', async () => {
    const home = tmpTree();
    const cache = tmpTree();
    const dir = tmpTree({ 'unik.yaml': 'name: memo\ntarget: unikraft\nsources: [main.c]\n', 'main.c': 'int main(void){return 0;}\n' });
    // Every bundle unik reads goes through fs.readFileSync (lib/code-cache.ts): list them.
    const spy = join(tmpTree(), 'spy.cjs');
    const reads = join(home, 'reads');
    writeFileSync(spy, `const fs = require('node:fs'); const read = fs.readFileSync; fs.readFileSync = function (p, ...a) { if (String(p).endsWith('.cjs')) fs.appendFileSync(${JSON.stringify(reads)}, p + '\\n'); return read.call(this, p, ...a); };`);
    const env = { UNIK_HOME: home, XDG_CACHE_HOME: cache, NODE_OPTIONS: `--require ${spy}` };
    const first = await unik(['build', dir], env);
    expect(first.stderr).toMatch(/source unikraft is missing/);
    expect(readFileSync(reads, 'utf8')).toMatch(/vendor-yaml\.cjs/);
    writeFileSync(reads, '');
    const second = await unik(['build', dir], env);
    expect(second.stderr).toBe(first.stderr);
    expect(readFileSync(reads, 'utf8')).toContain(CLI.replace(/main\.cjs$/, 'unik.cjs'));
    expect(readFileSync(reads, 'utf8')).not.toMatch(/vendor-yaml\.cjs/);
  });
});
