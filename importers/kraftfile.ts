import { posix } from 'node:path';
import type { RawManifest } from '../manifest/manifest.js';
import { readCmd, readTargets, readVolumes } from './kraftfile-attributes.js';
import { readKconfig, type AskedDevices } from './kraftfile-kconfig.js';
import { makefileUkSources } from './makefile-uk.js';
import { appName } from './names.js';
import { Report, untranslatable, type Project, type Translation } from './types.js';
import { mapEntries, readYaml, scalarText, type Entry } from './yaml-source.js';

/** The names kraft recognises, in its order of preference. */
export const KRAFTFILES = ['Kraftfile', 'kraft.yaml', 'kraft.yml'] as const;

const SPECS = ['v0.5', 'v0.6'];

/** Attributes that name something unik cannot take over, with the reason. */
const NOT_TRANSLATED: Record<string, string> = {
  rootfs: 'not translated: unik does not build an initramfs root filesystem (share a directory instead)',
  env: 'not translated: unik passes no environment variables to Unikraft apps',
  labels: 'not translated: packaging labels have no place in unik.yaml',
  outdir: 'not translated: unik keeps build output under its own home',
};

/** Pure: Makefile.uk's sources that exist here, plus the headers beside them (tracked, not compiled). */
function appSources(project: Project, report: Report): string[] {
  const text = project.texts['Makefile.uk'];
  const listed = makefileUkSources(text!, 'Makefile.uk', report);
  const present = listed.filter((s) => {
    if (project.files.includes(s)) return true;
    report.skip({ file: 'Makefile.uk', line: null }, s, 'not translated: listed in *_SRCS-y but not in the project');
    return false;
  });
  const dirs = new Set(present.map((s) => posix.dirname(s)));
  const headers = project.files.filter((f) => /\.(h|hpp)$/.test(f) && dirs.has(posix.dirname(f)));
  return [...new Set([...present, ...headers])];
}

/** Pure: a Kraftfile project (spec v0.5/v0.6 + Makefile.uk) → unik.yaml for target unikraft, with its report. */
export function translateKraftfile(project: Project, file: string): Translation {
  const src = readYaml(file, project.texts[file]!);
  const top = mapEntries(src, src.root.node);
  if (!top) throw untranslatable(src.root.at, 'Kraftfile', 'expected a map of attributes (spec, name, unikraft, targets, ...)');
  const byKey = Object.fromEntries(top.map((e) => [e.key, e])) as Record<string, Entry | undefined>;
  const spec = byKey.spec ?? byKey.specification;
  const version = scalarText(spec?.node ?? null)?.replace(/^(?=\d)/, 'v');
  if (!spec || !version || !SPECS.includes(version)) {
    throw untranslatable(spec?.at ?? src.root.at, spec ? `${spec.key}: ${scalarText(spec.node)}` : 'spec', `expected spec v0.5 or v0.6, found ${spec ? 'an unknown version' : 'none'}`);
  }
  for (const k of ['runtime', 'template'] as const) {
    const e = byKey[k];
    if (e) throw untranslatable(e.at, k, `builds on a prebuilt kraft ${k}, not on sources unik can compile`);
  }
  if (project.texts['Makefile.uk'] === undefined) {
    throw untranslatable(src.root.at, 'Makefile.uk', 'expected a Makefile.uk beside the Kraftfile listing the app\'s sources (*_SRCS-y), found none');
  }

  const report = new Report();
  const asked: AskedDevices = new Set();
  let name: string | undefined;
  let cmdline: string[] = [];
  let shares: { source: string; dest: string }[] = [];
  let hasTargets = false;
  for (const e of top) {
    const at = e.at;
    switch (e.key) {
      case 'spec':
      case 'specification':
        report.ok(at, `${e.key}: ${version}`, 'read as Kraftfile spec ' + version);
        break;
      case 'name':
        name = appName(scalarText(e.node) ?? '', at, report);
        break;
      case 'cmd':
        cmdline = readCmd(src, e, report);
        break;
      case 'unikraft': {
        const fields = mapEntries(src, e.node) ?? [];
        const pick = (k: string) => scalarText(fields.find((f) => f.key === k)?.node ?? null);
        const version = scalarText(e.node) ?? pick('version') ?? pick('source');
        if (version) report.skip(at, `unikraft: ${version}`, 'not used: unik builds against its pinned Unikraft');
        const kconfig = fields.find((f) => f.key === 'kconfig');
        if (kconfig) readKconfig(src, kconfig, asked, report);
        break;
      }
      case 'libraries':
        for (const lib of mapEntries(src, e.node) ?? []) {
          const kconfig = (mapEntries(src, lib.node) ?? []).find((f) => f.key === 'kconfig');
          if (lib.key === 'lwip') {
            asked.add('net');
            report.ok(lib.at, 'library lwip', 'a net device: unik adds its pinned lib-lwip for devices.net');
          } else {
            report.skip(lib.at, `library ${lib.key}`, 'not translated: unik adds only lib-lwip (for a net device); apps build on nolibc');
          }
          if (kconfig) readKconfig(src, kconfig, asked, report);
        }
        break;
      case 'targets':
        hasTargets = true;
        readTargets(src, e, asked, report);
        break;
      case 'volumes':
        shares = readVolumes(src, e, project, report);
        break;
      default:
        report.skip(at, e.key, (Object.hasOwn(NOT_TRANSLATED, e.key) ? NOT_TRANSLATED[e.key] : undefined) ?? `not translated: not a Kraftfile ${version} attribute unik knows`);
    }
  }
  name ??= appName(project.dirName, src.root.at, report);
  if (!hasTargets) report.ok(src.root.at, 'targets', 'none listed: qemu/x86_64 assumed');

  const devices: RawManifest['devices'] = {};
  if (asked.has('net')) {
    devices.net = { ports: [] };
    report.skip({ file, line: null }, 'devices.net.ports', 'a Kraftfile publishes no ports: add devices.net.ports to unik.yaml or pass -p HOST:GUEST to unik run');
  }
  if (shares.length) devices.share = shares;
  else if (asked.has('share')) report.skip({ file, line: null }, 'devices.share', '9pfs/vfscore are enabled but no volume names a host directory inside the project: add devices.share');
  if (asked.has('block')) report.skip({ file, line: null }, 'devices.block', 'a Kraftfile names no disk image: add devices.block {name, file} to unik.yaml');

  const sources = appSources(project, report);
  if (!sources.some((s) => /\.(c|S|cc|cpp)$/.test(s))) {
    throw untranslatable({ file: 'Makefile.uk', line: null }, '*_SRCS-y', 'expected at least one C source of the app under $(<LIB>_BASE), found none that exists');
  }
  report.ok({ file: 'Makefile.uk', line: null }, '*_SRCS-y', `sources: ${sources.join(', ')}`);
  const manifest: RawManifest = {
    name,
    target: 'unikraft',
    sources,
    ...(cmdline.length ? { cmdline } : {}),
    ...(Object.keys(devices).length ? { devices } : {}),
  };
  return { format: 'kraftfile', from: file, manifest, translated: report.translated, untranslated: report.untranslated };
}
