import { chmodSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { SourceName } from '../../../sources/known-sources.js';
import { FIXUPS, fixupActions, fixupFiles, fixupsDir } from '../../../toolchains/mirage/install/fixups.js';
import { aptLine, DEBIAN_PACKAGES, hostSignature, ocamlVersionProblem, parseDpkgQuery, type HostFacts } from '../../../toolchains/mirage/install/host.js';
import { planInstall, sourceProblems, TOOLCHAIN_SOURCES, type PinnedSource } from '../../../toolchains/mirage/install/plan.js';
import { ROOT } from '../../helpers/cli.js';
import { tmpTree } from '../../helpers/tmp.js';

const host: HostFacts = {
  ocaml: '4.13.1',
  dune: '2.9.3',
  packages: { 'ocaml-nox': '4.13.1-4', 'ocaml-source': '4.13.1-4', 'libfmt-ocaml-dev': '0.9.0-1', git: '1:2.39.5-0' },
  ocamlSource: '/usr/src/ocaml-source-4.13.1.tar',
  findlibConf: '/etc/ocamlfind.conf',
  signature: 'sig',
};
const sources = Object.fromEntries(TOOLCHAIN_SOURCES.map((n, i) => [n, { ref: 'v1', commit: String(i).padStart(40, '0'), path: `/s/${n}` }])) as Record<SourceName, PinnedSource>;
const fixups = Object.fromEntries(fixupFiles().map((f) => [f, 'aa'.repeat(32)]));
const keys = (p: ReturnType<typeof planInstall>) => Object.fromEntries(p.steps.map((s) => [s.name, s.key]));

describe('planInstall', () => {
  const base = planInstall(sources, fixups, host);

  it('four steps in build order, each with its sources and fixups; the same inputs give the same keys', () => {
    expect(base.steps.map((s) => s.name)).toEqual(['solo5', 'ocaml-solo5', 'mirage', 'duniverse']);
    expect(base.steps.find((s) => s.name === 'mirage')).toMatchObject({
      sources: ['mirage', 'emile', 'pecu'],
      fixups: ['mirage-cli-no-zero-delay.patch', 'mirage-workspace/dune-workspace'],
    });
    expect(base.steps.find((s) => s.name === 'solo5')!.fixups).toEqual([
      '0001-solo5-tsc-frequency-from-fw-cfg.patch',
      '0002-solo5-spt-maps-the-image.patch',
      '0003-solo5-spt-static.patch',
      '0004-solo5-exit-line-at-every-log-level.patch',
      '0005-solo5-exit-line-without-printf.patch',
    ]);
    expect(base.steps.find((s) => s.name === 'duniverse')!.fixups).toEqual(
      fixupFiles().filter((f) => !/^(mirage-workspace\/|mirage-cli-|\d{4}-solo5-)/.test(f)),
    );
    expect(planInstall(sources, fixups, host)).toEqual(base);
    expect(base.id).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a changed fixup rebuilds only the step that applies it', () => {
    const other = keys(planInstall(sources, { ...fixups, 'logs.diff': 'bb'.repeat(32) }, host));
    expect(other.duniverse).not.toBe(keys(base).duniverse);
    expect({ ...other, duniverse: null }).toEqual({ ...keys(base), duniverse: null });
  });

  it('a new Solo5 commit rebuilds Solo5 and ocaml-solo5 (built with its cc wrapper), not the mirage CLI or the seed', () => {
    const other = keys(planInstall({ ...sources, solo5: { ...sources.solo5, commit: 'f'.repeat(40) } }, fixups, host));
    const was = keys(base);
    expect([other.solo5 !== was.solo5, other['ocaml-solo5'] !== was['ocaml-solo5'], other.mirage !== was.mirage, other.duniverse !== was.duniverse]).toEqual([true, true, false, false]);
  });

  it('a changed boot-time patch rebuilds only what it patches: the seed (cmdliner, ptime) or the mirage CLI (its generated main.ml)', () => {
    const changed = (f: string) => Object.entries(keys(planInstall(sources, { ...fixups, [f]: 'dd'.repeat(32) }, host))).filter(([k, v]) => v !== keys(base)[k]).map(([k]) => k);
    expect(changed('cmdliner-eval-without-arguments.patch')).toEqual(['duniverse']);
    expect(changed('ptime-rfc3339-without-printf.patch')).toEqual(['duniverse']);
    expect(changed('mirage-cli-no-zero-delay.patch')).toEqual(['mirage']);
  });

  it('a changed Solo5 patch (the bindings) rebuilds Solo5 alone: the cross compiler does not link the bindings', () => {
    const other = keys(planInstall(sources, { ...fixups, '0001-solo5-tsc-frequency-from-fw-cfg.patch': 'cc'.repeat(32) }, host));
    expect(Object.entries(other).filter(([k, v]) => v !== keys(base)[k]).map(([k]) => k)).toEqual(['solo5']);
  });

  it('another host OCaml rebuilds the OCaml steps; a non-OCaml package update rebuilds nothing', () => {
    const ocaml = keys(planInstall(sources, fixups, { ...host, ocaml: '4.14.1' }));
    expect([ocaml.solo5 === keys(base).solo5, ocaml['ocaml-solo5'] === keys(base)['ocaml-solo5'], ocaml.mirage === keys(base).mirage]).toEqual([true, false, false]);
    expect(planInstall(sources, fixups, { ...host, packages: { ...host.packages, git: '1:2.39.6-0' } }).id).toBe(base.id);
  });
});

describe('sourceProblems', () => {
  it('names each source missing from the cache or recorded at another ref than pinned', () => {
    const recorded = Object.fromEntries(TOOLCHAIN_SOURCES.map((n) => [n, { ref: 'pin', present: true }]));
    expect(sourceProblems(recorded, () => 'pin')).toEqual([]);
    const { emile: _e, ...noEmile } = recorded;
    expect(sourceProblems({ ...noEmile, fmt: { ref: 'v0.9.1', present: true }, lwt: { ref: 'pin', present: false } }, () => 'pin')).toEqual([
      { name: 'emile', problem: 'missing' },
      { name: 'lwt', problem: 'missing' },
      { name: 'fmt', problem: 'other-ref', ref: 'v0.9.1' },
    ]);
  });

  it('every source the install needs once: Solo5, ocaml-solo5, the mirage CLI with emile and pecu, and the seed', () => {
    expect(TOOLCHAIN_SOURCES.slice(0, 5)).toEqual(['solo5', 'ocaml-solo5', 'mirage', 'emile', 'pecu']);
    expect(TOOLCHAIN_SOURCES).toHaveLength(new Set(TOOLCHAIN_SOURCES).size);
    expect(TOOLCHAIN_SOURCES).toHaveLength(44);
  });
});

describe('fixups', () => {
  const onDisk = (dir: string): string[] =>
    readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? onDisk(join(dir, n)) : [relative(fixupsDir(), join(dir, n))]));

  it('the table names exactly the files in toolchains/mirage/fixups/, each small and ours', () => {
    expect(fixupFiles()).toEqual(onDisk(fixupsDir()).sort());
    for (const f of fixupFiles()) expect(statSync(join(fixupsDir(), f)).size).toBeLessThan(f.endsWith('.patch') ? 8_000 : 2_000);
    for (const f of fixupFiles().filter((x) => !/\.(diff|patch)$/.test(x) && !x.endsWith('dune-project'))) {
      expect(readFileSync(join(fixupsDir(), f), 'utf8')).toMatch(/Written for unik/);
    }
  });

  it('applies our files first, then the diffs, to the build copy only', () => {
    expect(fixupActions('mtime', '/b/mtime', '/fx')).toEqual([
      { kind: 'add', from: '/fx/mtime/dune-project', to: '/b/mtime/dune-project' },
      { kind: 'add', from: '/fx/mtime/mtime.opam', to: '/b/mtime/mtime.opam' },
      { kind: 'add', from: '/fx/mtime/src/dune', to: '/b/mtime/src/dune' },
      { kind: 'add', from: '/fx/mtime/src/clock/dune', to: '/b/mtime/src/clock/dune' },
    ]);
    expect(fixupActions('logs', '/b/logs', '/fx')).toEqual([{ kind: 'patch', file: '/fx/logs.diff' }]);
    expect(fixupActions('lwt', '/b/lwt', '/fx')).toEqual([]);
    expect(FIXUPS.every((f) => f.why.length > 10)).toBe(true);
  });
});

describe('host checks', () => {
  it('reads dpkg-query output: versions of the installed, and the missing in the order asked', () => {
    const out = 'git\tinstall ok installed\t1:2.39\ncppo\tdeinstall ok config-files\t1.6.9-1\nocaml-nox\tinstall ok installed\t4.13.1-4\n';
    expect(parseDpkgQuery(out, ['git', 'cppo', 'ocaml-nox', 'ocaml-source'])).toEqual({
      installed: { git: '1:2.39', 'ocaml-nox': '4.13.1-4' },
      missing: ['cppo', 'ocaml-source'],
    });
  });

  it('the missing packages become one apt-get line without recommends', () => {
    expect(aptLine(['ocaml-source', 'cppo'])).toBe('apt-get install --no-install-recommends ocaml-source cppo');
  });

  it('accepts OCaml 4.13.x and 4.14.x (ocaml-solo5 4.14 branch); refuses others with the versions it supports', () => {
    expect(['4.13.1', '4.14.0', '4.14.2'].map(ocamlVersionProblem)).toEqual([null, null, null]);
    expect(ocamlVersionProblem('5.1.1')).toBe(
      "host OCaml 5.1.1 (ocamlopt -version) is not supported: unik builds the MirageOS toolchain (ocaml-solo5's 4.14 branch) for OCaml 4.13.x or 4.14.x only",
    );
    expect(ocamlVersionProblem('4.12.0')).toMatch(/not supported/);
    expect(ocamlVersionProblem('4.14.1+flambda')).toMatch(/not supported/);
  });

  it('the host signature, stats only, changes when PATH finds another compiler or the one there changes', () => {
    const a = tmpTree({ ocamlopt: '#!/bin/sh\necho 4.13.1\n' });
    const b = tmpTree({ ocamlopt: '#!/bin/sh\necho 4.14.1\n' });
    for (const d of [a, b]) chmodSync(join(d, 'ocamlopt'), 0o755);
    const sig = hostSignature({ PATH: a });
    expect(hostSignature({ PATH: a })).toBe(sig);
    expect(hostSignature({ PATH: b })).not.toBe(sig);
    writeFileSync(join(a, 'ocamlopt'), '#!/bin/sh\necho 4.14.10\n');
    expect(hostSignature({ PATH: a })).not.toBe(sig);
    expect(hostSignature({ PATH: a, OCAMLFIND_CONF: '/x' })).not.toBe(hostSignature({ PATH: a }));
  });

  it('scripts/setup.sh installs every package the toolchain install checks for', () => {
    const setup = readFileSync(join(ROOT, 'scripts', 'setup.sh'), 'utf8');
    expect(DEBIAN_PACKAGES.filter((p) => !new RegExp(`[\\s(]${p.replace(/[+]/g, '\\+')}[\\s)]`).test(setup))).toEqual([]);
  });
});
