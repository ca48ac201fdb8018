import { posix } from 'node:path';
import { normalShareDest, SHARE_DEST_EXPECTED } from '../manifest/share-dest.js';
import { readKconfig, type AskedDevices } from './kraftfile-kconfig.js';
import { untranslatable, type Project, type Report } from './types.js';
import { checkArgs, splitWords } from './words.js';
import { mapEntries, scalarText, seqItems, type Located, type YamlSource } from './yaml-source.js';

/** Pure: `cmd` (a list, or a string split like a shell would) → the app's arguments; kernel parameters before `--` are reported. */
export function readCmd(src: YamlSource, cmd: Located, report: Report): string[] {
  const list = seqItems(src, cmd.node);
  const text = scalarText(cmd.node);
  const words = list ? list.map((i) => scalarText(i.node) ?? '') : text !== null ? splitWords(text) : null;
  if (!words) throw untranslatable(cmd.at, 'cmd', 'expected a list of arguments or one command string with balanced quotes');
  const dashes = words.indexOf('--');
  if (dashes > 0) report.skip(cmd.at, `cmd ${words.slice(0, dashes).join(' ')} --`, 'kernel parameters are not translated: unik sets its own (netdev.ip, vfs.fstab)');
  const args = checkArgs(cmd.at, 'cmd', dashes >= 0 ? words.slice(dashes + 1) : words);
  report.ok(cmd.at, 'cmd', `cmdline: ${JSON.stringify(args)}`);
  return args;
}

/** Pure: `targets`: qemu/x86_64 is built (its kconfig read); every other target is reported as skipped. */
export function readTargets(src: YamlSource, targets: Located, asked: AskedDevices, report: Report): void {
  const items = seqItems(src, targets.node);
  if (!items) throw untranslatable(targets.at, 'targets', 'expected a list of targets ("plat/arch" or {plat, arch})');
  const found: string[] = [];
  let chosen = false;
  for (const item of items) {
    const short = scalarText(item.node);
    const fields = Object.fromEntries((mapEntries(src, item.node) ?? []).map((e) => [e.key, e]));
    const plat = short?.split('/')[0] ?? scalarText(fields.plat?.node ?? fields.platform?.node ?? null);
    const arch = short?.split('/')[1] ?? scalarText(fields.arch?.node ?? fields.architecture?.node ?? null);
    const label = `${plat ?? '?'}/${arch ?? '?'}`;
    found.push(label);
    if (label !== 'qemu/x86_64' || chosen) {
      report.skip(item.at, `target ${label}`, label === 'qemu/x86_64' ? 'skipped: unik builds one qemu/x86_64 image per app' : 'skipped: unik runs Unikraft on qemu/x86_64 only');
      continue;
    }
    chosen = true;
    report.ok(item.at, `target ${label}`, 'platform: qemu/x86_64');
    const kconfig = fields.kconfig;
    if (kconfig) readKconfig(src, kconfig, asked, report);
  }
  if (!chosen) report.ok(targets.at, 'targets', `none is qemu/x86_64 (found ${found.join(', ') || 'none'}): the same sources are built for qemu/x86_64, unik's Unikraft platform`);
}

/** `volumes` (v0.6): "./src:/dest" or {source, destination, driver} → shares; sources must be directories here. */
export function readVolumes(src: YamlSource, volumes: Located, project: Project, report: Report): { source: string; dest: string }[] {
  const items = seqItems(src, volumes.node);
  if (!items) throw untranslatable(volumes.at, 'volumes', 'expected a list of "SOURCE:DEST" or {source, destination}');
  const shares: { source: string; dest: string }[] = [];
  for (const item of items) {
    const fields = Object.fromEntries((mapEntries(src, item.node) ?? []).map((e) => [e.key, scalarText(e.node)]));
    const short = scalarText(item.node)?.split(':');
    const [source, dest] = short ? [short[0], short.slice(1).join(':')] : [fields.source, fields.destination];
    const construct = `volume ${source ?? '?'}:${dest ?? '?'}`;
    if (fields.driver && fields.driver !== '9pfs') {
      report.skip(item.at, construct, `not translated: driver ${fields.driver} (unik shares host directories over 9p only)`);
      continue;
    }
    const rel = posix.normalize(source ?? '').replace(/\/$/, '');
    if (!source || !dest || !project.dirs.includes(rel)) {
      report.skip(item.at, construct, 'not translated: unik shares only directories inside the project (this one is not there)');
      continue;
    }
    const guest = normalShareDest(dest);
    if (guest === null || shares.some((sh) => sh.dest === guest)) {
      report.skip(item.at, construct, `not translated: unik needs ${guest === null ? SHARE_DEST_EXPECTED : 'each guest path once'}`);
      continue;
    }
    shares.push({ source: rel, dest: guest });
    report.ok(item.at, construct, `devices.share: ${rel} → ${guest} (virtio-9p)`);
  }
  return shares;
}
