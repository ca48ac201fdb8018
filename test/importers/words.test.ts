import { describe, expect, it } from 'vitest';
import { checkArgs, splitWords } from '../../importers/words.js';

describe('splitWords', () => {
  it('splits like a shell: whitespace, quotes, backslashes; nothing expanded', () => {
    expect(splitWords(`/app --name "a b" 'c d' e\\ f $HOME`)).toEqual(['/app', '--name', 'a b', 'c d', 'e f', '$HOME']);
    expect(splitWords('  ')).toEqual([]);
    expect(splitWords('x ""')).toEqual(['x', '']);
  });

  it('says null for an unbalanced quote', () => {
    expect(splitWords('/app "open')).toBeNull();
  });
});

describe('checkArgs', () => {
  it('refuses what unik.yaml cmdline cannot carry, naming file, line and construct (exit 2)', () => {
    expect(checkArgs({ file: 'K', line: 3 }, 'cmd', ['ok'])).toEqual(['ok']);
    expect(() => checkArgs({ file: 'Kraftfile', line: 3 }, 'cmd', ['a"b'])).toThrow(expect.objectContaining({ exitCode: 2, message: expect.stringMatching(/^Kraftfile:3: cmd: argument "a\\"b"/) }));
  });
});
