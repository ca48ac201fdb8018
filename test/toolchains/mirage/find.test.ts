import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../../lib/home.js';
import { findMirageToolchain, missingPieces, requireMirageToolchain, seededDuniverse, seedInstructions, seedRevision, seedRevisions, statusV2z } from '../../../toolchains/mirage/find.js';
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
    expect(missingPieces(tc, 'spt', l.toolchains)[0]!.fix).toContain(join(l.toolchains, 'mirage'));
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
  it('finds seeded libraries and says how to clone the rest at their pins', () => {
    const l = layout(tmpTree());
    mkdirSync(join(l.sources, 'duniverse', 'lwt'), { recursive: true });
    expect(seededDuniverse(l, ['lwt', 'fmt'])).toEqual({ present: { lwt: join(l.sources, 'duniverse', 'lwt') }, missing: ['fmt'] });
    expect(seedInstructions(l, ['fmt'])).toBe(`  git clone --branch v0.9.0 https://github.com/dbuenzli/fmt.git ${join(l.sources, 'duniverse', 'fmt')}   (topkg only: needs dune files added)`);
  });

  it('a seed\'s revision is its commit, plus a digest of local overlays that changes with their content', async () => {
    const dir = tmpTree({ 'a.ml': 'let x = 1\n' });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { stdio: 'pipe' }).toString().trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const head = git('rev-parse', 'HEAD');
    expect(await seedRevision(dir)).toBe(head);
    writeFileSync(join(dir, 'dune'), '(library (name a))\n');
    const overlaid = await seedRevision(dir);
    expect(overlaid).toMatch(new RegExp(`^${head}\\+[0-9a-f]{16}$`));
    writeFileSync(join(dir, 'dune'), '(library (name a) (wrapped false))\n');
    expect(await seedRevision(dir)).not.toBe(overlaid);
  });

  it('a remembered revision still sees an edit, a new file and a commit at once', async () => {
    const l = layout(tmpTree());
    const dir = tmpTree({ 'a.ml': 'let x = 1\n' });
    const git = (...args: string[]) => execFileSync('git', ['-C', dir, '-c', 'user.email=t@t', '-c', 'user.name=t', ...args], { stdio: 'pipe' }).toString().trim();
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'x');
    const present = { a: dir };
    const clean = await seedRevisions(l, present);
    expect(clean).toEqual({ a: git('rev-parse', 'HEAD') });
    expect(await seedRevisions(l, present)).toEqual(clean);
    writeFileSync(join(dir, 'a.ml'), 'let x = 2\n');
    const edited = (await seedRevisions(l, present)).a!;
    expect(edited).toMatch(/\+[0-9a-f]{16}$/);
    writeFileSync(join(dir, 'b.ml'), 'let y = 1\n');
    const added = (await seedRevisions(l, present)).a!;
    expect(added).not.toBe(edited);
    git('add', '-A');
    git('commit', '-qm', 'y');
    expect(await seedRevisions(l, present)).toEqual({ a: git('rev-parse', 'HEAD') });
  });

  it('parses git status --porcelain=v2 -z: commit, changed, renamed and untracked paths', () => {
    const oid = 'e453b74a2e78a0de98563d75d8e0a97e668088e6';
    const out = [`# branch.oid ${oid}`, '# branch.head main', '1 .M N... 100644 100644 100644 a b src/x y.ml', '2 R. N... 100644 100644 100644 a b R100 new.ml', 'old.ml', '? dune', ''].join('\0');
    expect(statusV2z(out)).toEqual({ head: oid, changed: ['dune', 'new.ml', 'old.ml', 'src/x y.ml'] });
  });
});
