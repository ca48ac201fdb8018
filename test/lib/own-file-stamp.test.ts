import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ownFileStamp } from '../../lib/own-file-stamp.js';
import { quickHash } from '../../lib/quick-hash.js';
import { ROOT } from '../helpers/cli.js';

const compiledHere = ['machine/host', 'machine/guest'].flatMap((dir) => readdirSync(join(ROOT, dir)).map((f) => `${dir}/${f}`));

describe('own file stamps', () => {
  it('is the hash of the file as it is now', () => {
    for (const f of compiledHere) expect(ownFileStamp(f)).toBe(quickHash(readFileSync(join(ROOT, f))));
  });

  it('the CLI bundle holds the stamp of every file unik compiles on the user\'s machine, as the files are now', () => {
    const bundle = readFileSync(join(ROOT, 'dist', 'cli', 'unik.cjs'), 'latin1');
    const table = /PRECOMPUTED=(\{[^}]*\})/.exec(bundle);
    expect(table, 'dist/cli/unik.cjs has no precomputed stamps: run npm run build').not.toBeNull();
    expect(JSON.parse(table![1]!)).toEqual(Object.fromEntries(compiledHere.map((f) => [f, ownFileStamp(f)])));
  });
});
