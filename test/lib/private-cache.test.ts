import { readdirSync, readFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { privateCacheDir, storePrivately } from '../../lib/private-cache.js';
import { tmpTree } from '../helpers/tmp.js';

describe('storePrivately', () => {
  it('writes the file whole and keeps only the newest files', () => {
    const dir = privateCacheDir('t', { XDG_CACHE_HOME: tmpTree() })!;
    for (let i = 0; i < 5; i++) {
      storePrivately(dir, join(dir, `f${i}`), () => `content ${i}`, 3);
      utimesSync(join(dir, `f${i}`), 1000 + i, 1000 + i);
    }
    expect(readdirSync(dir).sort()).toEqual(['f2', 'f3', 'f4']);
    expect(readFileSync(join(dir, 'f4'), 'utf8')).toBe('content 4');
  });

  it('never throws: a directory that is gone only loses the entry', () => {
    expect(() => storePrivately('/nonexistent/unik-cache', '/nonexistent/unik-cache/f', () => 'x', 3)).not.toThrow();
  });
});
