import { describe, expect, it } from 'vitest';
import { checkShareDests, normalShareDest } from '../../manifest/share-dest.js';

describe('normalShareDest', () => {
  it('normalises empty and "." components', () => {
    expect(normalShareDest('/www')).toBe('/www');
    expect(normalShareDest('//www/./data/')).toBe('/www/data');
  });

  it.each(['/', '/.', '//', 'www', '/a/../b', '/..', '/a b', '/a;b', `/${'a'.repeat(65)}`, `/${'abcdefghi/'.repeat(21)}`, `/${'a/'.repeat(17)}`, `/${'x'.repeat(10_000)}`])(
    'refuses %j',
    (d) => expect(normalShareDest(d)).toBeNull(),
  );
});

describe('checkShareDests', () => {
  it('returns the normal forms, or the first bad or duplicate one (duplicates compared after normalising)', () => {
    expect(checkShareDests(['/a', '/b/c'])).toEqual({ ok: ['/a', '/b/c'] });
    expect(checkShareDests(['/a', '/a/.'])).toEqual({ index: 1, expected: 'a guest path used once (/a is already a share)' });
    expect(checkShareDests(['/a', '/'])).toMatchObject({ index: 1 });
  });
});
