import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readyProblem } from '../../lib/ready-pattern.js';
import { fileSha256, textSha256 } from '../../lib/sha256-memo.js';
import { recall, remember } from '../../lib/text-memo.js';
import { tmpTree } from '../helpers/tmp.js';

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');
const cacheBefore = process.env.XDG_CACHE_HOME;
let cache = '';
beforeAll(() => {
  cache = tmpTree();
  process.env.XDG_CACHE_HOME = cache;
});
afterAll(() => {
  if (cacheBefore === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = cacheBefore;
});

/** Replace the value of every remembered entry of `kind` whose key satisfies `which`. */
function tamper(kind: string, which: (key: string) => boolean, value: unknown): number {
  let n = 0;
  const dir = join(cache, 'unik', kind);
  for (const f of existsSync(dir) ? readdirSync(dir) : []) {
    const e = JSON.parse(readFileSync(join(cache, 'unik', kind, f), 'utf8')) as { key: string };
    if (which(e.key)) writeFileSync(join(cache, 'unik', kind, f), JSON.stringify({ key: e.key, value })), n++;
  }
  return n;
}

describe('text-memo', () => {
  it('gives a value back for exactly its key', () => {
    remember('t', 'key one', { a: 1 });
    expect(recall('t', 'key one')).toEqual({ value: { a: 1 } });
    expect(recall('t', 'key two')).toBeNull();
    const [f] = readdirSync(join(cache, 'unik', 't'));
    writeFileSync(join(cache, 'unik', 't', f!), JSON.stringify({ key: 'another key', value: 2 }));
    expect(recall('t', 'key one')).toBeNull();
  });
});

describe('sha256-memo', () => {
  it('a file: its digest, remembered only for its stamp, so any write is hashed again', async () => {
    const file = join(tmpTree({ 'main.c': 'int main(void){return 0;}\n' }), 'main.c');
    // A fresh file's stamp is not trusted yet (its ctime is under a second old): nothing is remembered.
    expect(fileSha256(file)).toBe(sha(readFileSync(file)));
    expect(tamper('sha256', (k) => k.includes(file), 'f'.repeat(64))).toBe(0);
    await new Promise((r) => setTimeout(r, 1100));
    expect(fileSha256(file)).toBe(sha(readFileSync(file)));
    // The remembered digest is what a second call uses: made visible by changing it.
    expect(tamper('sha256', (k) => k.includes(file), 'f'.repeat(64))).toBe(1);
    expect(fileSha256(file)).toBe('f'.repeat(64));
    appendFileSync(file, '/* edited */\n');
    expect(fileSha256(file)).toBe(sha(readFileSync(file)));
  });

  it('a text: its digest, remembered for exactly that text', () => {
    expect(textSha256('{"a":1}')).toBe(sha('{"a":1}'));
    expect(tamper('sha256', (k) => k === 'text\0{"a":1}', 'e'.repeat(64))).toBe(1);
    expect(textSha256('{"a":1}')).toBe('e'.repeat(64));
    expect(textSha256('{"a":2}')).toBe(sha('{"a":2}'));
  });
});

describe('readyProblem', () => {
  it('refuses what the linear engine cannot run, and remembers only what it can', () => {
    expect(readyProblem('(a)\\1')).toMatch(/backreferences/);
    expect(readyProblem('[')).toMatch(/valid regular expression/);
    expect(readyProblem('^listening on \\d+$')).toBeNull();
    expect(recall('ready', `${process.version}\0^listening on \\d+$`)).toEqual({ value: true });
    expect(recall('ready', `${process.version}\0(a)\\1`)).toBeNull();
  });
});
