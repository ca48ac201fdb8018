import { describe, expect, it } from 'vitest';
import { findByRef } from '../../lib/ref.js';

const items = [
  { id: '1334aaaa0000', name: 'web' },
  { id: '1334bbbb0000', name: 'db' },
  { id: '9999cccc0000', name: 'cache' },
];
const kind = { kind: 'instance', id: (i: (typeof items)[0]) => i.id, name: (i: (typeof items)[0]) => i.name, list: 'ps' };

describe('findByRef', () => {
  it('finds by exact id, name, and unique prefix', () => {
    expect(findByRef(items, '1334aaaa0000', kind).name).toBe('web');
    expect(findByRef(items, 'db', kind).id).toBe('1334bbbb0000');
    expect(findByRef(items, '9999', kind).name).toBe('cache');
  });

  it('refuses an ambiguous prefix with exit 2, listing every candidate', () => {
    expect(() => findByRef(items, '1334', kind)).toThrow(
      expect.objectContaining({ exitCode: 2, message: 'instance: expected a unique id prefix or a name, found "1334", which matches 2: 1334aaaa0000 (web), 1334bbbb0000 (db)' }),
    );
  });

  it('refuses unknown references and prefixes shorter than 4', () => {
    expect(() => findByRef(items, '133', kind)).toThrow(/instance: expected an instance id or name \(see "unik ps"\), found "133"/);
  });
});
