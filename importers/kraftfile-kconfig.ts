import { enables, kconfigMeaning } from './unikraft-kconfig.js';
import { untranslatable, type Report } from './types.js';
import { mapEntries, scalarText, seqItems, type Located, type YamlSource } from './yaml-source.js';

/** The device kinds a Kraftfile's Kconfig options ask for. */
export type AskedDevices = Set<'net' | 'share' | 'block'>;

/** The `kconfig` of unikraft, a library or a target: a list of "CONFIG_X=v" or a map, as either spec allows. */
function options(src: YamlSource, kconfig: Located): { name: string; value: string; at: Located['at'] }[] {
  const list = seqItems(src, kconfig.node);
  if (list) {
    return list.map((item) => {
      const m = /^(CONFIG_[A-Za-z0-9_]+)=(.*)$/.exec(scalarText(item.node) ?? '');
      if (!m) throw untranslatable(item.at, 'kconfig', `expected "CONFIG_NAME=value", found ${JSON.stringify(scalarText(item.node) ?? 'a map')}`);
      return { name: m[1]!, value: m[2]!.replace(/^"(.*)"$/, '$1'), at: item.at };
    });
  }
  const map = mapEntries(src, kconfig.node);
  if (!map) throw untranslatable(kconfig.at, 'kconfig', 'expected a list of "CONFIG_NAME=value" or a map of CONFIG_NAME: value');
  return map.map((e) => ({ name: e.key, value: scalarText(e.node) ?? '', at: e.at }));
}

/**
 * Read Kconfig options for the devices they ask for. A driver unik does not model stops the translation; options
 * unik sets itself are noted as such; everything else is reported as left out.
 */
export function readKconfig(src: YamlSource, kconfig: Located, asked: AskedDevices, report: Report): void {
  for (const { name, value, at } of options(src, kconfig)) {
    const meaning = kconfigMeaning(name);
    const construct = `${name}=${value}`;
    if (!enables(value)) {
      if (meaning.kind === 'driver' || meaning.kind === 'device') report.ok(at, construct, 'off, as unik leaves it unless a device needs it');
      else report.skip(at, construct, 'not translated: unik writes the Kconfig itself from unik.yaml');
      continue;
    }
    switch (meaning.kind) {
      case 'device':
        asked.add(meaning.device);
        report.ok(at, construct, `a ${meaning.device} device: unik compiles in its drivers from devices.${meaning.device}`);
        break;
      case 'unik':
        report.ok(at, construct, 'set by unik itself for every qemu/x86_64 kernel that needs it');
        break;
      case 'driver':
        throw untranslatable(at, construct, 'adds a driver unik does not model (unik drives the console, virtio-net, virtio-blk and virtio-9p on QEMU x86_64)');
      default:
        report.skip(at, construct, 'not translated: unik writes the Kconfig itself from unik.yaml and has no field for this option');
    }
  }
}
