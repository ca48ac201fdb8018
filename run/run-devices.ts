import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { usageError } from '../lib/errors.js';
import { shareDevices, type Devices, type NetDevice } from '../manifest/devices.js';
import { checkShareDests } from '../manifest/share-dest.js';
import { duplicateHostPort, parsePort } from '../manifest/ports.js';
import type { ImageRecord } from '../images/record.js';

export interface RunOverrides {
  ports?: string[];
  volumes?: string[];
  disk?: string;
  /** Where published ports listen (unik-runtime: 0.0.0.0, every address of the container's netns). */
  listen?: string;
  /** QEMU's user network in another subnet (unik-runtime: slirp4netns gives the container 10.0.2.100). */
  subnet?: Pick<NetDevice, 'guestIp' | 'gateway' | 'prefix' | 'nameserver'>;
  /** The NIC on a tap instead (unik-runtime's tap mode: the guest has the container's address). */
  tap?: NetDevice['tap'];
}

/**
 * Pure apart from stat: the devices of one run. Flags may only re-point devices the image was built with:
 * a flag asking for a device kind whose driver is not compiled in is refused, never a silent hang.
 */
export function devicesForRun(image: ImageRecord, o: RunOverrides, cwd = process.cwd()): Devices {
  const built = image.run.devices;
  const devices: Devices = { ...built, block: [...built.block], share: [...built.share] };
  const missing = (flag: string, kind: string, decl: string) =>
    usageError(`${flag}: expected an image built with ${kind} (declare ${decl} in unik.yaml and rebuild), found ${image.name} built without it`);

  if (o.ports?.length) {
    if (!built.net) throw missing('-p', 'a network device', 'devices.net');
    const ports = o.ports.map((p) => {
      const parsed = parsePort(p);
      if (!parsed) throw usageError(`-p: expected HOST:GUEST or HOST:GUEST/udp with ports 1-65535, found ${JSON.stringify(p)}`);
      return parsed;
    });
    const dup = duplicateHostPort(ports);
    if (dup >= 0) throw usageError(`-p: expected each host port once, found ${JSON.stringify(o.ports[dup])} again`);
    devices.net = { ...built.net, ports };
  }
  if (o.listen && devices.net) devices.net = { ...devices.net, listen: o.listen };
  if (o.subnet && devices.net) devices.net = { ...devices.net, ...o.subnet };
  if (o.tap && devices.net) devices.net = { ...devices.net, tap: o.tap };
  if (o.volumes?.length) {
    if (!built.share.length) throw missing('-v', '9p shares', 'devices.share');
    const split = o.volumes.map((v) => {
      const at = v.lastIndexOf(':');
      if (at <= 0) throw usageError(`-v: expected HOST_DIR:/GUEST_PATH, found ${JSON.stringify(v)}`);
      return { host: v.slice(0, at), dest: v.slice(at + 1) };
    });
    const dests = checkShareDests(split.map((s) => s.dest));
    if (!('ok' in dests)) throw usageError(`-v: expected ${dests.expected} after the colon, found ${JSON.stringify(o.volumes[dests.index])}`);
    devices.share = shareDevices(
      split.map((s, i) => {
        const source = resolve(cwd, s.host);
        if (!statSync(source, { throwIfNoEntry: false })?.isDirectory()) throw usageError(`-v: expected an existing host directory, found ${JSON.stringify(s.host)}`);
        return { source, dest: dests.ok[i]! };
      }),
    );
  }
  if (o.disk) {
    if (!built.block.length) throw missing('--disk', 'a block device', 'devices.block');
    const file = resolve(cwd, o.disk);
    if (!statSync(file, { throwIfNoEntry: false })?.isFile()) throw usageError(`--disk: expected an existing disk image file, found ${JSON.stringify(o.disk)}`);
    devices.block = [{ ...built.block[0]!, file }, ...built.block.slice(1)];
  }
  // A pulled image carries no data: its disks and shares have no host path until the flags give one.
  const noDisk = devices.block.find((b) => !b.file);
  if (noDisk) throw usageError(`--disk: expected a disk image for ${noDisk.name} (${image.name} came without its data), found none`);
  const noShare = devices.share.find((s) => !s.source);
  if (noShare) throw usageError(`-v: expected HOST_DIR:${noShare.dest} (${image.name} came without its shared directories), found none`);
  return devices;
}
