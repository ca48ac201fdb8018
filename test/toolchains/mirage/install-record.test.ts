import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { layout } from '../../../lib/home.js';
import { mirageFingerprint, solo5HasFixup, type MirageToolchain } from '../../../toolchains/mirage/find.js';
import {
  installedRecord, LINKED_STEPS, mirageStatus, recordFingerprint, recordPath, recordSummary, STAMP, stepDir, type InstallRecord,
} from '../../../toolchains/mirage/install/record.js';
import { tmpTree } from '../../helpers/tmp.js';

const c = (n: number) => String(n).repeat(40);

function sampleRecord(l: ReturnType<typeof layout>, id = 'a1b2c3d4e5f60718'): InstallRecord {
  const step = (name: (typeof LINKED_STEPS)[number], key: string, sources: Record<string, { ref: string; commit: string }>, fixups: Record<string, string> = {}) => ({
    key, dir: stepDir(l, { name, key }), sources, fixups,
  });
  return {
    toolchain: 'mirage',
    id,
    installedAt: '2026-12-01T22:00:00.000Z',
    unikVersion: '0.1.0',
    host: { ocaml: '4.13.1', dune: '2.9.3', packages: { 'ocaml-nox': '4.13.1-4' }, ocamlSource: '/usr/src/ocaml-source-4.13.1.tar', findlibConf: '/etc/ocamlfind.conf', signature: 's' },
    steps: {
      solo5: step('solo5', '1111', { solo5: { ref: 'v0.12.1', commit: c(1) } }),
      'ocaml-solo5': step('ocaml-solo5', '2222', { 'ocaml-solo5': { ref: '4.14', commit: c(2) } }),
      mirage: step('mirage', '3333', { mirage: { ref: 'v4.10.0', commit: c(3) }, emile: { ref: 'v1.1', commit: c(4) }, pecu: { ref: 'v0.7', commit: c(5) } }, { 'mirage-workspace/dune-workspace': 'ab' }),
      duniverse: step('duniverse', '4444', { lwt: { ref: '5.6.1', commit: c(6) }, fmt: { ref: 'v0.9.0', commit: c(7) } }, { 'fmt/dune-project': 'cd', 'logs.diff': 'ef' }),
    },
  };
}

/** Lay out an installed toolchain as the installer leaves it: store dirs with stamps, links, the record. */
function install(l: ReturnType<typeof layout>, r: InstallRecord): void {
  for (const name of LINKED_STEPS) {
    mkdirSync(r.steps[name].dir, { recursive: true });
    writeFileSync(join(r.steps[name].dir, STAMP), '{}');
    symlinkSync(join('store', `${name}-${r.steps[name].key}`), join(l.toolchains, name));
  }
  writeFileSync(recordPath(l), JSON.stringify(r));
}

describe('install record', () => {
  it('is the fingerprint: versions worth showing plus the id, which changes with any pin, fixup or host change', () => {
    const l = layout(tmpTree());
    const fp = recordFingerprint(sampleRecord(l));
    expect(fp).toEqual({
      'mirage-toolchain': 'a1b2c3d4e5f60718',
      mirage: 'v4.10.0',
      solo5: 'v0.12.1',
      'ocaml-solo5': '4.14 22222222',
      ocaml: '4.13.1',
      dune: '2.9.3',
      duniverse: '4444',
    });
    expect(recordFingerprint(sampleRecord(l, 'ffffffffffffffff'))).not.toEqual(fp);
  });

  it('sums up in one line for doctor and toolchain list', () => {
    expect(recordSummary(sampleRecord(layout(tmpTree())))).toBe(
      'mirage v4.10.0 (33333333), solo5 v0.12.1 (11111111), ocaml-solo5 4.14 (22222222) for OCaml 4.13.1, dune 2.9.3, ' +
        '2 seeded libraries, 3 fixup files; id a1b2c3d4e5f60718, installed 2026-12-01',
    );
  });

  it('counts as installed only while every link points at its recorded, finished step', () => {
    const l = layout(tmpTree());
    mkdirSync(l.toolchains, { recursive: true });
    const r = sampleRecord(l);
    expect(installedRecord(l)).toBeNull();
    expect(mirageStatus(l).state).toBe('not installed');
    install(l, r);
    expect(installedRecord(l)).toEqual(r);
    expect(mirageStatus(l)).toMatchObject({ state: 'installed', id: r.id });
    writeFileSync(recordPath(l), JSON.stringify({ ...r, steps: { ...r.steps, solo5: { ...r.steps.solo5, key: '9999', dir: stepDir(l, { name: 'solo5', key: '9999' }) } } }));
    expect(installedRecord(l)).toBeNull();
    expect(mirageStatus(l).state).toBe('incomplete');
  });

  it('a UNIK_HOME that reaches the toolchains through a link sees the same install', () => {
    const product = layout(tmpTree());
    mkdirSync(product.toolchains, { recursive: true });
    install(product, sampleRecord(product));
    const test = layout(tmpTree());
    symlinkSync(product.toolchains, test.toolchains);
    expect(installedRecord(test)?.id).toBe('a1b2c3d4e5f60718');
  });

  it('a cache hit fingerprints from the record when the tools in use are the installed ones, with no process started', async () => {
    const l = layout(tmpTree());
    mkdirSync(l.toolchains, { recursive: true });
    install(l, sampleRecord(l));
    const own: MirageToolchain = {
      env: {},
      tools: { mirage: join(l.toolchains, 'mirage/bin/mirage'), dune: '/no/dune', ocamlfind: '/no/ocamlfind', cppo: null, 'solo5-spt': join(l.toolchains, 'solo5/bin/solo5-spt'), 'solo5-hvt': null, 'solo5-elftool': '/no/elftool' },
      solo5Findlib: join(l.toolchains, 'ocaml-solo5/lib/findlib.conf.d/solo5.conf'),
      opamMonorepo: null,
    };
    expect(await mirageFingerprint(l, own, 'spt')).toMatchObject({ 'mirage-toolchain': 'a1b2c3d4e5f60718' });
    // A mirage from elsewhere (opam): its tools are asked instead, and absent tools say so.
    const opam = { ...own, tools: { ...own.tools, mirage: null, dune: null, ocamlfind: null, 'solo5-elftool': null } };
    expect(await mirageFingerprint(l, opam, 'spt')).toEqual({ mirage: 'missing', dune: 'missing', ocaml: 'missing', solo5: 'missing' });
  });

  it('says a Solo5 carries a fixup only for the installed bindings whose record lists it (what decides a quiet boot)', () => {
    const fixup = '0004-solo5-exit-line-at-every-log-level.patch';
    const l = layout(tmpTree());
    mkdirSync(l.toolchains, { recursive: true });
    const r = sampleRecord(l);
    const tc = (elftool: string): MirageToolchain => ({
      env: {}, tools: { mirage: null, dune: null, ocamlfind: null, cppo: null, 'solo5-spt': null, 'solo5-hvt': null, 'solo5-elftool': elftool }, solo5Findlib: null, opamMonorepo: null,
    });
    const own = tc(join(l.toolchains, 'solo5', 'bin', 'solo5-elftool'));
    expect(solo5HasFixup(l, own, 'virtio', fixup)).toBe(false);
    install(l, { ...r, steps: { ...r.steps, solo5: { ...r.steps.solo5, fixups: { [fixup]: 'aa' } } } });
    const lib = join(r.steps.solo5.dir, 'lib', 'x86_64-solo5-none-static');
    mkdirSync(lib, { recursive: true });
    writeFileSync(join(lib, 'solo5_virtio.o'), '');
    expect(solo5HasFixup(l, own, 'virtio', fixup)).toBe(true);
    // No bindings for that platform, another fixup, or an opam Solo5 (upstream's): no.
    expect(solo5HasFixup(l, own, 'spt', fixup)).toBe(false);
    expect(solo5HasFixup(l, own, 'virtio', '0001-solo5-tsc-frequency-from-fw-cfg.patch')).toBe(false);
    const opam = join(tmpTree(), 'bin', 'solo5-elftool');
    mkdirSync(join(opam, '..', '..', 'lib', 'x86_64-solo5-none-static'), { recursive: true });
    writeFileSync(join(opam, '..', '..', 'lib', 'x86_64-solo5-none-static', 'solo5_virtio.o'), '');
    expect(solo5HasFixup(l, tc(opam), 'virtio', fixup)).toBe(false);
  });
});
