import { existsSync, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { failure } from '../../../lib/errors.js';
import { runStep, type StepRunner } from '../../../lib/steps.js';
import type { SourceName } from '../../../sources/known-sources.js';
import { DUNIVERSE } from '../duniverse.js';
import { fixupActions, type Fixup } from './fixups.js';
import type { HostFacts } from './host.js';
import type { PinnedSource, StepName } from './plan.js';

/** What one step gets: where to install, a clean scratch dir, and the steps done before it. */
export interface StepContext {
  run: StepRunner;
  /** The step's store directory: the prefix compiled into Solo5 and ocaml-solo5, or the seed itself. */
  out: string;
  /** An empty scratch directory for build copies, removed after the step. */
  build: string;
  sources: Record<SourceName, PinnedSource>;
  host: HostFacts;
  /** Store directories of the finished steps (ocaml-solo5 compiles with Solo5's cc wrapper). */
  done: Partial<Record<StepName, string>>;
  fixups: string;
  jobs: string;
}

const SOLO5_TARGET = 'x86_64-solo5-none-static';

/**
 * The cross compiler is built with flambda: it lifts the closures and module blocks of every unit's top-level
 * definitions into static data, so a unikernel's start runs (and QEMU's TCG translates) far less initialisation
 * code: hello-mirage translates 21,030 guest instructions before its exit instead of 29,804 (-30 %), ~10 ms of a
 * ~120 ms virtio boot under TCG. The host's OCaml (config.ml, the mirage CLI) is not concerned.
 */
const FLAMBDA = '--enable-flambda';

/** A clone of the cached source at its recorded commit (objects shared with the cache, which stays untouched). */
async function buildCopy(ctx: StepContext, name: SourceName, dest: string): Promise<void> {
  const src = ctx.sources[name];
  await ctx.run.step(`${name}: build copy of ${src.ref} (${src.commit.slice(0, 8)})`, 'git', ['clone', '--quiet', '--shared', '--no-checkout', '--', src.path, dest]);
  await ctx.run.step(`${name}: check out ${src.commit.slice(0, 8)}`, 'git', ['-C', dest, '-c', 'advice.detachedHead=false', 'checkout', '--quiet', '--detach', src.commit]);
}

/** Our files into the build copy (never over an upstream file), then our diffs with git apply. */
async function applyFixups(ctx: StepContext, target: Fixup['target'], dir: string): Promise<void> {
  for (const a of fixupActions(target, dir, ctx.fixups)) {
    if (a.kind === 'patch') {
      await ctx.run.step(`${target}: apply ${basename(a.file)}`, 'git', ['-C', dir, 'apply', a.file]);
      continue;
    }
    if (existsSync(a.to)) throw failure(`fixup ${a.from} would replace upstream's ${a.to}: the pinned ${target} changed; the fixup needs review`);
    await fsp.mkdir(dirname(a.to), { recursive: true });
    await fsp.copyFile(a.from, a.to);
  }
}

async function solo5(ctx: StepContext): Promise<void> {
  const b = join(ctx.build, 'solo5');
  await buildCopy(ctx, 'solo5', b);
  await applyFixups(ctx, 'solo5', b);
  await ctx.run.step('solo5: configure', join(b, 'configure.sh'), [`--prefix=${ctx.out}`], { cwd: b });
  await ctx.run.step('solo5: make', 'make', ['-j', ctx.jobs], { cwd: b });
  await ctx.run.step('solo5: make install', 'make', ['install'], { cwd: b });
}

/**
 * ocaml-solo5 wants `ocamlfind query ocaml-src`, which Debian lacks: its ./ocaml is filled from the ocaml-source
 * package's tarball instead. Its recipes use `echo -e`, hence SHELL=/bin/bash. The prefix is compiled in.
 */
async function ocamlSolo5(ctx: StepContext): Promise<void> {
  const b = join(ctx.build, 'ocaml-solo5');
  await buildCopy(ctx, 'ocaml-solo5', b);
  const unpacked = join(ctx.build, 'ocaml-source');
  await fsp.mkdir(unpacked);
  await fsp.mkdir(join(b, 'ocaml'));
  await ctx.run.step(`ocaml-solo5: unpack OCaml ${ctx.host.ocaml} from ${ctx.host.ocamlSource}`, 'tar', ['-xf', ctx.host.ocamlSource, '-C', unpacked, '--wildcards', '*.orig.tar.*']);
  const orig = (await fsp.readdir(unpacked, { recursive: true })).find((f) => /\.orig\.tar\.\w+$/.test(f));
  if (!orig) throw failure(`${ctx.host.ocamlSource} holds no upstream .orig.tar.* of OCaml ${ctx.host.ocaml}`);
  await ctx.run.step('ocaml-solo5: unpack the upstream tarball into ./ocaml', 'tar', ['-xf', join(unpacked, orig), '-C', join(b, 'ocaml'), '--strip-components=1']);
  const env = { PATH: `${join(ctx.done.solo5!, 'bin')}:${process.env.PATH ?? ''}` };
  await ctx.run.step('ocaml-solo5: configure', join(b, 'configure.sh'), [`--prefix=${ctx.out}`, `--target=${SOLO5_TARGET}`, `--ocaml-configure-option=${FLAMBDA}`], { cwd: b, env });
  await ctx.run.step('ocaml-solo5: make', 'make', ['SHELL=/bin/bash', '-j', ctx.jobs], { cwd: b, env });
  await ctx.run.step('ocaml-solo5: make install', 'make', ['SHELL=/bin/bash', 'install'], { cwd: b, env });
  // `ocamlfind -toolchain solo5` reads findlib.conf.d/solo5.conf next to the findlib.conf in use: the host's
  // configuration, placed here, keeps the host packages visible (unik sets OCAMLFIND_CONF to it).
  const conf = join(ctx.out, 'lib', 'findlib.conf');
  await fsp.copyFile(ctx.host.findlibConf, conf);
  const v = (await runStep('ocaml-solo5: check', 'ocamlfind', ['-toolchain', 'solo5', 'ocamlopt', '-version'], { env: { ...env, OCAMLFIND_CONF: conf } })).trim();
  if (v !== ctx.host.ocaml) throw failure(`ocaml-solo5 built OCaml ${v}, expected the host's ${ctx.host.ocaml}; log: ${ctx.run.logPath}`);
  const config = await runStep('ocaml-solo5: check flambda', 'ocamlfind', ['-toolchain', 'solo5', 'ocamlopt', '-config-var', 'flambda'], { env: { ...env, OCAMLFIND_CONF: conf } });
  if (config.trim() !== 'true') throw failure(`ocaml-solo5 built a cross compiler without flambda (configured ${FLAMBDA}); log: ${ctx.run.logPath}`);
}

/** The mirage CLI and its library, with emile and pecu (not in Debian), in one dune workspace. */
async function mirage(ctx: StepContext): Promise<void> {
  const ws = join(ctx.build, 'workspace');
  for (const name of ['mirage', 'emile', 'pecu'] as const) await buildCopy(ctx, name, join(ws, name));
  // Without it `mirage --version` prints %%VERSION%% (and unik records that version). Before the fixups: a
  // patched checkout would say v4.10.0-dirty.
  await ctx.run.step('mirage: dune subst', 'dune', ['subst'], { cwd: join(ws, 'mirage') });
  await applyFixups(ctx, 'mirage-workspace', ws);
  await ctx.run.step('mirage: build mirage, emile, pecu', 'dune', ['build', '-p', 'mirage,emile,pecu', '-j', ctx.jobs, '--display', 'short', '@install'], { cwd: ws });
  await ctx.run.step('mirage: install', 'dune', ['install', '--root', '.', '--prefix', ctx.out, '--libdir', join(ctx.out, 'lib'), 'mirage', 'emile', 'pecu'], { cwd: ws });
  const v = (await runStep('mirage: check', join(ctx.out, 'bin', 'mirage'), ['--version'])).trim();
  if (v !== ctx.sources.mirage.ref) throw failure(`the mirage CLI built says ${v}, expected ${ctx.sources.mirage.ref}; log: ${ctx.run.logPath}`);
}

/** The seed: each library's files at its pin, fixups applied, without git metadata. */
async function duniverse(ctx: StepContext): Promise<void> {
  for (const dir of DUNIVERSE) {
    const d = join(ctx.out, dir);
    await buildCopy(ctx, dir, d);
    await applyFixups(ctx, dir, d);
    await fsp.rm(join(d, '.git'), { recursive: true, force: true });
  }
}

export const RECIPES: Record<StepName, (ctx: StepContext) => Promise<void>> = { solo5, 'ocaml-solo5': ocamlSolo5, mirage, duniverse };
