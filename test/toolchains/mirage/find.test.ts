import { chmodSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../../lib/home.js';
import { findMirageToolchain, missingPieces, requireMirageToolchain, seededDuniverse, seedIdentity } from '../../../toolchains/mirage/find.js';
import { tmpTree } from '../../helpers/tmp.js';

const exe = (dir: string, name: string) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), '#!/bin/sh\n');
  chmodSync(join(dir, name), 0o755);
};

describe('findMirageToolchain', () => {
  it('prefers unik\'s toolchains dir, and sets PATH, OCAMLPATH and OCAMLFIND_CONF the way that install needs', () => {
    const l = layout(tmpTree());
    const t = l.toolchains;
    exe(join(t, 'mirage', 'bin'), 'mirage');
    mkdirSync(join(t, 'mirage', 'lib'), { recursive: true });
    exe(join(t, 'solo5', 'bin'), 'solo5-spt');
    mkdirSync(join(t, 'ocaml-solo5', 'lib', 'findlib.conf.d'), { recursive: true });
    writeFileSync(join(t, 'ocaml-solo5', 'lib', 'findlib.conf'), '');
    writeFileSync(join(t, 'ocaml-solo5', 'lib', 'findlib.conf.d', 'solo5.conf'), '');
    const bin = tmpTree();
    exe(bin, 'dune');
    exe(bin, 'ocamlfind');
    const tc = findMirageToolchain(l, { PATH: bin });
    expect(tc.tools.mirage).toBe(join(t, 'mirage', 'bin', 'mirage'));
    expect(tc.tools['solo5-spt']).toBe(join(t, 'solo5', 'bin', 'solo5-spt'));
    expect(tc.tools.dune).toBe(join(bin, 'dune'));
    expect(tc.env).toEqual({
      PATH: [join(t, 'mirage', 'bin'), join(t, 'solo5', 'bin'), bin].join(':'),
      OCAMLPATH: join(t, 'mirage', 'lib'),
      OCAMLFIND_CONF: join(t, 'ocaml-solo5', 'lib', 'findlib.conf'),
    });
    expect(missingPieces(tc, 'spt', t)).toEqual([]);
    // hvt needs its own tender.
    expect(missingPieces(tc, 'hvt', t).map((m) => m.what)).toEqual(['solo5-hvt']);
  });

  it('names every missing piece and how to get it, per platform (exit 1)', () => {
    const l = layout(tmpTree());
    const tc = findMirageToolchain(l, { PATH: '' });
    expect(missingPieces(tc, 'spt', l.toolchains).map((m) => m.what)).toEqual(['mirage', 'dune', 'ocamlfind', 'solo5-spt', 'ocaml-solo5']);
    expect(missingPieces(tc, 'virtio', l.toolchains).map((m) => m.what)).toEqual(['mirage', 'dune', 'ocamlfind', 'ocaml-solo5']);
    expect(missingPieces(tc, 'unix', l.toolchains).map((m) => m.what)).toEqual(['mirage', 'dune', 'ocamlfind', 'cppo']);
    expect(missingPieces(tc, 'spt', l.toolchains)[0]!.fix).toBe(`unik toolchain install mirage (builds it into ${join(l.toolchains, 'mirage')}), or opam install mirage (with network)`);
  });

  it('requireMirageToolchain fails with the list', () => {
    const l = layout(tmpTree());
    const saved = process.env.PATH;
    process.env.PATH = '';
    try {
      expect(() => requireMirageToolchain(l, 'virtio')).toThrow(/MirageOS toolchain for virtio is incomplete .*: missing mirage, dune, ocamlfind, ocaml-solo5$/);
    } finally {
      process.env.PATH = saved;
    }
  });
});

describe('duniverse seed', () => {
  it("finds the seeded libraries in the toolchains dir; the seed's identity is the store directory its link names", () => {
    const l = layout(tmpTree());
    mkdirSync(join(l.toolchains, 'store', 'duniverse-0123456789abcdef', 'lwt'), { recursive: true });
    expect(seedIdentity(l)).toBe('none');
    symlinkSync(join('store', 'duniverse-0123456789abcdef'), join(l.toolchains, 'duniverse'));
    expect(seededDuniverse(l, ['lwt', 'fmt'])).toEqual({ present: { lwt: join(l.toolchains, 'duniverse', 'lwt') }, missing: ['fmt'] });
    expect(seedIdentity(l)).toBe('duniverse-0123456789abcdef');
  });
});
