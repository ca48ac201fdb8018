import type { Layout } from '../../lib/home.js';
import type { Check } from '../../lib/check.js';
import { sourceChecks } from '../../sources/checks.js';
import { DUNIVERSE, type DuniverseDir } from '../../toolchains/mirage/duniverse.js';
import { findMirageToolchain, missingPieces, seededDuniverse, seedInstructions, toolchainVersions } from '../../toolchains/mirage/find.js';

/** `unik doctor`'s MirageOS lines: the toolchain (mirage, ocaml-solo5, solo5, dune) and the duniverse seed. Warn, never fail: MirageOS is optional. */
export async function mirageChecks(l: Layout): Promise<Check[]> {
  const tc = findMirageToolchain(l);
  const checks: Check[] = [];
  const missing = missingPieces(tc, 'spt', l.toolchains);
  if (missing.length) {
    for (const m of missing) checks.push({ name: `mirage: ${m.what}`, status: 'warn', detail: `missing (looked in ${l.toolchains} and PATH)`, fix: m.fix });
  } else {
    const v = await toolchainVersions(tc, 'spt');
    checks.push({
      name: 'mirage toolchain',
      status: 'ok',
      detail: `mirage ${v.mirage}, solo5 ${v.solo5}, OCaml ${v.ocaml} (ocaml-solo5), dune ${v.dune}; ${tc.tools.mirage}`,
      fix: null,
    });
  }
  checks.push({
    name: 'mirage: solo5-hvt',
    status: tc.tools['solo5-hvt'] ? 'ok' : 'warn',
    detail: tc.tools['solo5-hvt'] ? `${tc.tools['solo5-hvt']} (needs usable KVM; see the kvm line)` : 'missing: platform hvt unavailable (spt and virtio do not need it)',
    fix: tc.tools['solo5-hvt'] ? null : 'install Solo5 with its hvt tender (opam install solo5, or Solo5 built into the toolchains dir)',
  });
  const all = Object.keys(DUNIVERSE) as DuniverseDir[];
  const seed = seededDuniverse(l, all);
  checks.push({
    name: 'mirage duniverse',
    status: seed.missing.length ? 'warn' : 'ok',
    detail: seed.missing.length
      ? `${all.length - seed.missing.length}/${all.length} libraries seeded; missing ${seed.missing.join(', ')} (offline builds that need them fail; with opam-monorepo unik runs make depend)`
      : `${all.length} libraries seeded in ${l.sources}/duniverse`,
    fix: seed.missing.length ? seedFix(l, seed.missing) : null,
  });
  checks.push(...(await sourceChecks(l, 'mirage', [])));
  return checks;
}

/** The first few clone commands; a build that needs the rest prints them all. */
function seedFix(l: Layout, missing: DuniverseDir[]): string {
  const shown = seedInstructions(l, missing.slice(0, 3)).trim().replace(/\n\s*/g, '; ');
  return missing.length > 3 ? `${shown}; … and ${missing.length - 3} more the same way (a build lists the ones it needs)` : shown;
}
