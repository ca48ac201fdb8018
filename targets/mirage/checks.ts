import { execa } from 'execa';
import type { Layout } from '../../lib/home.js';
import type { Check } from '../../lib/check.js';
import { sourceChecks } from '../../sources/checks.js';
import { DUNIVERSE } from '../../toolchains/mirage/duniverse.js';
import { findMirageToolchain, missingPieces, seedDir, seededDuniverse, toolchainVersions } from '../../toolchains/mirage/find.js';
import { installedRecord, recordPath, recordSummary } from '../../toolchains/mirage/install/record.js';

const INSTALL = 'unik toolchain install mirage';

/** The toolchain line: unik's recorded install (and whether the host OCaml still matches it), else what PATH has. */
async function toolchainCheck(l: Layout, tc: ReturnType<typeof findMirageToolchain>): Promise<Check> {
  const missing = missingPieces(tc, 'spt', l.toolchains);
  const record = installedRecord(l);
  if (record && !missing.length) {
    const host = (await execa('ocamlopt', ['-version'], { reject: false, stdin: 'ignore' })).stdout.trim();
    const stale = host !== record.host.ocaml;
    return {
      name: 'mirage toolchain',
      status: stale ? 'warn' : 'ok',
      detail: `${stale ? `built for OCaml ${record.host.ocaml}, the host now has ${host || 'none'}: ` : ''}${recordSummary(record)} (${recordPath(l)})`,
      fix: stale ? INSTALL : null,
    };
  }
  if (missing.length) {
    return { name: 'mirage toolchain', status: 'warn', detail: `missing ${missing.map((m) => m.what).join(', ')} (looked in ${l.toolchains} and PATH)`, fix: INSTALL };
  }
  const v = await toolchainVersions(tc, 'spt');
  return {
    name: 'mirage toolchain',
    status: 'ok',
    detail: `mirage ${v.mirage}, solo5 ${v.solo5}, OCaml ${v.ocaml} (ocaml-solo5), dune ${v.dune}; ${tc.tools.mirage} (not installed by unik: no record)`,
    fix: null,
  };
}

/** `unik doctor`'s MirageOS lines: the toolchain (mirage, ocaml-solo5, solo5, dune) and the duniverse seed. Warn, never fail: MirageOS is optional. */
export async function mirageChecks(l: Layout): Promise<Check[]> {
  const tc = findMirageToolchain(l);
  const checks: Check[] = [await toolchainCheck(l, tc)];
  checks.push({
    name: 'mirage: solo5-hvt',
    status: tc.tools['solo5-hvt'] ? 'ok' : 'warn',
    detail: tc.tools['solo5-hvt'] ? `${tc.tools['solo5-hvt']} (needs usable KVM; see the kvm line)` : 'missing: platform hvt unavailable (spt and virtio do not need it)',
    fix: tc.tools['solo5-hvt'] ? null : INSTALL,
  });
  const seed = seededDuniverse(l, DUNIVERSE);
  checks.push({
    name: 'mirage duniverse',
    status: seed.missing.length ? 'warn' : 'ok',
    detail: seed.missing.length
      ? `${DUNIVERSE.length - seed.missing.length}/${DUNIVERSE.length} libraries seeded in ${seedDir(l)}; missing ${seed.missing.join(', ')} (offline builds that need them fail; with opam-monorepo unik runs make depend)`
      : `${DUNIVERSE.length} libraries seeded in ${seedDir(l)}`,
    fix: seed.missing.length ? INSTALL : null,
  });
  checks.push(...(await sourceChecks(l, 'mirage', [])));
  return checks;
}
