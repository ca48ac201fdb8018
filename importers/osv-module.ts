import { posix } from 'node:path';
import type { RawManifest } from '../manifest/manifest.js';
import { moduleRuns } from './module-py.js';
import { appName } from './names.js';
import { moduleRelative, usrManifestEntries } from './osv-usr-manifest.js';
import { Report, untranslatable, type Place, type Project, type Translation } from './types.js';
import { checkArgs, splitWords } from './words.js';
import { mapEntries, readYaml, scalarText } from './yaml-source.js';

/** The files that make a directory an OSv app module (osv-apps layout) or a Capstan project. */
export const OSV_MODULE_FILES = ['Capstanfile', 'module.py', 'usr.manifest'] as const;

/** A file the module ships: guest path → module-relative host path (null when it is a link, glob or outside). */
interface Shipped {
  guest: string;
  host: string | null;
  at: Place;
}

/** The command to run and where it was declared. */
interface Command {
  text: string;
  at: Place;
  construct: string;
}

/** Pure: Capstanfile → its command, its files and reports for the rest. */
function readCapstanfile(text: string, report: Report): { command: Command | null; shipped: Shipped[] } {
  const src = readYaml('Capstanfile', text);
  const top = mapEntries(src, src.root.node);
  if (!top) throw untranslatable(src.root.at, 'Capstanfile', 'expected a map (base, cmdline, build, files)');
  let command: Command | null = null;
  const shipped: Shipped[] = [];
  for (const e of top) {
    const value = scalarText(e.node);
    if (e.key === 'cmdline' && value !== null) command = { text: value, at: e.at, construct: 'cmdline' };
    else if (e.key === 'build') report.skip(e.at, `build: ${value ?? '...'}`, 'not run: unik compiles the module\'s C sources itself (gcc -O2 -fPIE -pie)');
    else if (e.key === 'base') report.ok(e.at, `base: ${value ?? '...'}`, 'unik\'s own pinned OSv kernel instead of a Capstan base image');
    else if (e.key === 'files') {
      for (const f of mapEntries(src, e.node) ?? []) {
        const host = (scalarText(f.node) ?? '').replace(/&/g, posix.basename(f.key));
        shipped.push({ guest: f.key, host: moduleRelative(host), at: f.at });
      }
    } else if (e.key === 'rootfs') report.skip(e.at, `rootfs: ${value ?? '...'}`, 'not shipped: unik\'s OSv image carries the app alone');
    else report.skip(e.at, e.key, 'not translated: not a Capstanfile key unik knows');
  }
  return { command, shipped };
}

/** Pure: module.py's chosen command (the default, else its only or first api.run). */
function moduleCommand(text: string, report: Report): Command | null {
  const { runs, defaultName } = moduleRuns(text, 'module.py', report);
  // `default = x` names the command; a run bound to `default` itself is the default too.
  const chosen = runs.find((r) => r.name === (defaultName ?? 'default')) ?? runs[0];
  for (const r of runs) if (r !== chosen) report.skip({ file: 'module.py', line: r.line }, `${r.name} = run(...)`, `not translated: unik runs one command (${chosen!.name})`);
  return chosen ? { text: chosen.cmdline, at: { file: 'module.py', line: chosen.line }, construct: `${chosen.name} = run(...)` } : null;
}

/** Pure: an OSv command line → the program and its arguments; OSv's own syntax around them is reported. */
function parseCommand(cmd: Command, report: Report): { program: string; args: string[] } {
  const [first, ...more] = cmd.text.split(';').map((c) => c.trim()).filter(Boolean);
  if (more.length) report.skip(cmd.at, `; ${more.join('; ')}`, 'not translated: unik runs one program per image');
  const background = /\s*&!?$/.test(first ?? '');
  if (background) report.skip(cmd.at, '&!', 'not translated: unik runs the program in the foreground');
  const words = splitWords((first ?? '').replace(/\s*&!?$/, ''));
  if (!words?.length) throw untranslatable(cmd.at, cmd.construct, 'expected a program to run, found none (or unbalanced quotes)');
  const programAt = words.findIndex((w) => !w.startsWith('--'));
  const loaderOpts = words.slice(0, programAt < 0 ? words.length : programAt);
  if (loaderOpts.length) report.skip(cmd.at, loaderOpts.join(' '), 'not translated: OSv loader options are unik\'s to set');
  const [program, ...args] = words.slice(loaderOpts.length);
  if (!program?.startsWith('/')) throw untranslatable(cmd.at, cmd.construct, `expected an absolute program path, found ${JSON.stringify(program ?? '')}`);
  return { program, args: checkArgs(cmd.at, cmd.construct, args) };
}

/**
 * Pure: an OSv app module (usr.manifest, module.py) or Capstan project (Capstanfile) → unik.yaml for target osv.
 * The program becomes the app: compiled from the module's C files, or the prebuilt binary the manifest names.
 */
export function translateOsvModule(project: Project): Translation {
  const report = new Report();
  const t = project.texts;
  const capstan = t.Capstanfile !== undefined ? readCapstanfile(t.Capstanfile, report) : { command: null, shipped: [] };
  const fromModule = t['module.py'] !== undefined ? moduleCommand(t['module.py'], report) : null;
  const shipped = [...capstan.shipped, ...(t['usr.manifest'] !== undefined ? usrManifestEntries(t['usr.manifest']).map((e) => ({ guest: e.guest, host: moduleRelative(e.host), at: { file: 'usr.manifest', line: e.line } })) : [])];
  const command = capstan.command ?? fromModule;
  if (!command) throw untranslatable({ file: t.Capstanfile !== undefined ? 'Capstanfile' : 'module.py', line: null }, 'command', 'expected a command to run: a Capstanfile cmdline or an api.run(...) in module.py, found none');
  if (capstan.command && fromModule) report.skip(fromModule.at, fromModule.construct, 'not translated: the Capstanfile\'s cmdline is used');

  const { program, args } = parseCommand(command, report);
  const name = appName(posix.basename(program).replace(/\.so$/, ''), command.at, report);
  report.ok(command.at, command.construct, `the app at /${name} (unik places it there) with cmdline ${JSON.stringify(args)}`);

  const binary = shipped.find((s) => s.guest === program);
  for (const s of shipped) {
    if (s === binary) continue;
    report.warn(s.at, `${s.guest}: ${s.host ?? '(link or glob)'}`, 'not shipped: unik\'s OSv image carries the app alone (libc, libgcc_s and /etc come with unik)');
  }
  const cFiles = project.files.filter((f) => /\.c$/.test(f) && !f.includes('/'));
  let sources: string[];
  if (cFiles.length) {
    sources = [...cFiles, ...project.files.filter((f) => /\.h$/.test(f) && !f.includes('/'))];
    report.ok(binary?.at ?? command.at, program, `sources: ${sources.join(', ')}, compiled by unik (gcc -O2 -fPIE -pie); the module's Makefile is not run`);
  } else if (binary?.host && project.files.includes(binary.host)) {
    sources = [binary.host];
    report.ok(binary.at, program, `sources: ${binary.host}, a prebuilt binary (it must be an x86-64 PIE or shared object)`);
  } else {
    throw untranslatable(binary?.at ?? command.at, program, 'expected the module\'s C files or the prebuilt binary beside it, found neither');
  }
  const manifest: RawManifest = { name, target: 'osv', sources, ...(args.length ? { cmdline: args } : {}) };
  return { format: 'osv-module', from: t.Capstanfile !== undefined ? 'Capstanfile' : 'module.py', manifest, ...report.notes };
}
