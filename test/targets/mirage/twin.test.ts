import { describe, expect, it } from 'vitest';
import { staticLinkFlags } from '../../../targets/mirage/twin.js';

describe('staticLinkFlags', () => {
  it('adds -ccopt -static to the link flags mirage 4.10 writes for unix', () => {
    const dune = '(rule\n (targets main.exe)\n (link_flags (-thread))\n)';
    expect(staticLinkFlags(dune)).toBe('(rule\n (targets main.exe)\n (link_flags (-thread -ccopt -static))\n)');
  });

  it('refuses a dune.build of another shape instead of guessing', () => {
    expect(staticLinkFlags('(executable (name main))')).toBeNull();
  });
});
