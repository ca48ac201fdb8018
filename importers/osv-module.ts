import { posix } from 'node:path';
import type { RawManifest } from '../manifest/manifest.js';
import { moduleRuns } from './module-py.js';
import { appName } from './names.js';
import { readModuleMakefile, type ModuleMakefile } from './osv-makefile.js';
import { moduleRelative, usrManifestEntries, type ManifestEntry } from './osv-usr-manifest.js';
import { Report, untranslatable, type Place, type Project, type Translation } from './types.js';
import { checkArgs, splitWords } from './words.js';
import { mapEntries, readYaml, scalarText } from './yaml-source.js';

/** The files that make a directory an OSv app module (osv-apps layout) or a Capstan project. */
export const OSV_MODULE_FILES = ['Capstanfile', 'module.py', 'usr.manifest'] as const;

/** Read beside them: the Makefile says where a *-from-host program comes from and what a C build needs. */
export const OSV_MODULE_READS = [...OSV_MODULE_FILES, 'Makefile'] as const;

/** A file the module ships: guest path → module-relative host path (null when it is a link, glob or outside). */
interface Shipped {
  guest: string;
  host: string | null;
  /** The host side as written. */
  hostText: string;
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
        shipped.push({ guest: f.key, host: moduleRelative(host), hostText: host, at: f.at });
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

/** Pure: an OSv command line → the program, its arguments and `--env=` loader options; the rest is reported. */
function parseCommand(cmd: Command, report: Report): { program: string; args: string[]; env: Record<string, string> } {
  const [first, ...more] = cmd.text.split(';').map((c) => c.trim()).filter(Boolean);
  if (more.length) report.skip(cmd.at, `; ${more.join('; ')}`, 'not translated: unik runs one program per image');
  const background = /\s*&!?$/.test(first ?? '');
  if (background) report.skip(cmd.at, '&!', 'not translated: unik runs the program in the foreground');
  const words = splitWords((first ?? '').replace(/\s*&!?$/, ''));
  if (!words?.length) throw untranslatable(cmd.at, cmd.construct, 'expected a program to run, found none (or unbalanced quotes)');
  const programAt = words.findIndex((w) => !w.startsWith('--'));
  const loaderOpts = words.slice(0, programAt < 0 ? words.length : programAt);
  const env: Record<string, string> = {};
  for (const o of loaderOpts) {
    const m = /^--env=([A-Za-z_]\w*)=(.*)$/.exec(o);
    if (m) env[m[1]!] = m[2]!;
    else report.skip(cmd.at, o, 'not translated: OSv loader options other than --env are unik\'s to set');
  }
  if (Object.keys(env).length) report.ok(cmd.at, loaderOpts.filter((o) => o.startsWith('--env=')).join(' '), `env: ${JSON.stringify(env)}`);
  const [program, ...args] = words.slice(loaderOpts.length);
  if (!program?.startsWith('/')) throw untranslatable(cmd.at, cmd.construct, `expected an absolute program path, found ${JSON.stringify(program ?? '')}`);
  return { program, args: checkArgs(cmd.at, cmd.construct, args), env };
}

/** Pure: a shipped entry whose host side is in the module → a `files` entry (`/dir/**: dir/**` → the directory). */
function moduleFile(s: Shipped, project: Project): [string, string] | null {
  const dir = /^(\/.+)\/\*\*$/.exec(s.guest);
  const host = s.host ?? (dir ? moduleRelative(s.hostText.replace(/\/\*\*$/, '')) : null);
  if (dir && host && project.dirs.includes(host)) return [`${dir[1]}/`, `${host}/`];
  return !dir && host && project.files.includes(host) ? [s.guest, host] : null;
}

/**
 * Pure: an OSv app module (usr.manifest, module.py, its Makefile read as text) or Capstan project (Capstanfile)
 * → unik.yaml for target osv. The program becomes the app: compiled from the module's C files, the prebuilt
 * binary the manifest names, or the host program a *-from-host module takes; the module's own files come along.
 */
export function translateOsvModule(project: Project): Translation {
  const report = new Report();
  const t = project.texts;
  const capstan = t.Capstanfile !== undefined ? readCapstanfile(t.Capstanfile, report) : { command: null, shipped: [] };
  const fromModule = t['module.py'] !== undefined ? moduleCommand(t['module.py'], report) : null;
  const makefile = t.Makefile !== undefined ? readModuleMakefile(t.Makefile) : { hostPrograms: [], manifestLines: [], unreadManifestLines: [], blockers: [] };
  const entry = (e: ManifestEntry, at: Place): Shipped => ({ guest: e.guest, host: moduleRelative(e.host), hostText: e.host, at });
  const shipped = [
    ...capstan.shipped,
    ...(t['usr.manifest'] !== undefined ? usrManifestEntries(t['usr.manifest']).map((e) => entry(e, { file: 'usr.manifest', line: e.line })) : []),
    // The usr.manifest a module's Makefile writes (the *-from-host modules): read from its echo lines.
    ...makefile.manifestLines.filter((m) => /^\/\S*\s*:\s*\S/.test(m.text)).flatMap((m) => usrManifestEntries(m.text, 'Makefile').map((e) => entry(e, { file: 'Makefile', line: m.line }))),
  ];
  const command = capstan.command ?? fromModule;
  if (!command) throw untranslatable({ file: t.Capstanfile !== undefined ? 'Capstanfile' : 'module.py', line: null }, 'command', 'expected a command to run: a Capstanfile cmdline or an api.run(...) in module.py, found none');
  if (capstan.command && fromModule) report.skip(fromModule.at, fromModule.construct, 'not translated: the Capstanfile\'s cmdline is used');

  const { program, args, env } = parseCommand(command, report);
  const name = appName(posix.basename(program).replace(/\.so$/, ''), command.at, report);
  report.ok(command.at, command.construct, `the app at /${name} (unik places it there) with cmdline ${JSON.stringify(args)}`);

  const binary = shipped.find((s) => s.guest === program);
  const app = appSource(project, makefile, program, binary, command.at, report);
  const files: Record<string, string> = {};
  for (const s of shipped) {
    if (s === binary) continue;
    const file = moduleFile(s, project);
    if (file) files[file[0]] = file[1];
    else report.warn(s.at, `${s.guest}: ${s.hostText}`, 'not shipped: not a file or directory of the module (a link, a host path or a build output); unik adds libc, libgcc_s, /etc and the program\'s libraries itself');
  }
  for (const u of makefile.unreadManifestLines) report.warn({ file: 'Makefile', line: u.line }, u.text.length > 80 ? `${u.text.slice(0, 77)}...` : u.text, 'not shipped: unik reads only the echo lines of what the Makefile adds to usr.manifest');
  if (Object.keys(files).length) report.ok(shipped.find((s) => s !== binary)!.at, 'shipped files', `files: ${Object.entries(files).map(([g, h]) => `${g}: ${h}`).join(', ')}`);
  const manifest: RawManifest = {
    name,
    target: 'osv',
    ...app,
    ...(Object.keys(files).length ? { files } : {}),
    ...(Object.keys(env).length ? { env } : {}),
    ...(args.length ? { cmdline: args } : {}),
  };
  return { format: 'osv-module', from: t.Capstanfile !== undefined ? 'Capstanfile' : 'module.py', manifest, ...report.notes };
}

/**
 * Pure: where the program comes from: the module's C files (refused when the Makefile shows they are not the
 * whole program), the prebuilt binary beside them, or the host program a *-from-host module names (`which X`).
 */
function appSource(project: Project, makefile: ModuleMakefile, program: string, binary: Shipped | undefined, at: Place, report: Report): Pick<RawManifest, 'sources' | 'program' | 'fork' | 'devices'> {
  const cFiles = project.files.filter((f) => /\.c$/.test(f) && !f.includes('/'));
  if (cFiles.length) {
    const b = makefile.blockers[0];
    if (b) throw untranslatable({ file: 'Makefile', line: b.line }, b.text, `${b.why}; unik compiles only the module's own C files, so ${program} would not build`);
    const sources = [...cFiles, ...project.files.filter((f) => /\.h$/.test(f) && !f.includes('/'))];
    report.ok(binary?.at ?? at, program, `sources: ${sources.join(', ')}, compiled by unik (gcc -O2 -fPIE -pie); the module's Makefile is not run`);
    return { sources };
  }
  if (binary?.host && project.files.includes(binary.host)) {
    report.ok(binary.at, program, `sources: ${binary.host}, a prebuilt binary (it must be an x86-64 PIE or shared object)`);
    return { sources: [binary.host] };
  }
  if (makefile.hostPrograms.length) {
    const found = makefile.hostPrograms.find((p) => project.onHostPath?.[p.text]);
    if (!found) {
      const p = makefile.hostPrograms[0]!;
      throw untranslatable({ file: 'Makefile', line: p.line }, `which ${p.text}`, `the module takes ${makefile.hostPrograms.map((h) => h.text).join(' or ')} from the host, and this host has none on its PATH`);
    }
    const host = project.onHostPath![found.text]!;
    const at = { file: 'Makefile', line: found.line };
    report.ok(at, `which ${found.text}`, `program: ${host.path} (the host's, as the module's manifest_from_host.sh takes it; unik collects its libraries)`);
    // OSv runs one process: a module that runs a host program on OSv is configured not to fork or exec.
    if (host.forks.length) report.ok(at, `which ${found.text}`, `fork: unused (it imports ${host.forks.join(', ')}, but the module runs it on OSv as configured here, where it never forks or execs)`);
    const fork = host.forks.length ? { fork: 'unused' as const } : {};
    if (!host.serves) return { program: host.path, ...fork };
    // OSv kernels always have a network stack; unik's have one only with devices.net.
    report.skip(at, 'devices.net.ports', `${found.text} imports listen/accept, so unik gives it devices.net; an OSv module publishes no ports: add devices.net.ports or pass -p HOST:GUEST to unik run`);
    return { program: host.path, ...fork, devices: { net: { ports: [] } } };
  }
  throw untranslatable(binary?.at ?? at, program, 'expected the module\'s C files, the prebuilt binary beside them or a host program (`which NAME` in its Makefile), found none');
}
