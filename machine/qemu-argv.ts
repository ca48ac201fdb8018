import type { Devices } from '../manifest/devices.js';
import type { Accel, QemuBootSpec, QemuMachine } from './boot-spec.js';

/** QEMU option values escape a comma by doubling it; paths are the only values that can hold one. */
const optPath = (p: string) => p.replace(/,/g, ',,');

const MACHINE: Record<QemuMachine['type'], string[]> = {
  // microvm: no PCI, no firmware scan; the fastest start for console-only guests.
  microvm: ['-M', 'microvm'],
  // pc with SeaBIOS: needed for virtio-pci devices (qboot hangs with virtio-net-pci).
  pc: ['-M', 'pc'],
  'pc-qboot': ['-M', 'pc', '-bios', '/usr/share/qemu/qboot.rom'],
};

/** Where each declared device becomes QEMU flags. One NIC carries every published port, on 127.0.0.1 unless told. */
export function deviceArgv(devices: Devices, machine: QemuMachine['type']): string[] {
  const pci = machine !== 'microvm';
  const out: string[] = [];
  if (devices.net) {
    const n = devices.net;
    if (n.tap) {
      // unik-runtime's tap mode: the tap exists already (made in the container's netns); no scripts run.
      out.push('-netdev', `tap,id=net0,ifname=${n.tap.ifname},script=no,downscript=no`);
    } else {
      const fwds = n.ports.map((p) => `hostfwd=${p.protocol}:${n.listen ?? '127.0.0.1'}:${p.host}-:${p.guest}`);
      // QEMU's own subnet is 10.0.2.0/24; another one (unik-runtime's) is named with its gateway and DNS addresses.
      const subnet = n.gateway === '10.0.2.2' ? [] : [`net=${n.gateway}/${n.prefix}`, `host=${n.gateway}`, `dns=${n.nameserver}`];
      out.push('-netdev', ['user', 'id=net0', ...subnet, ...fwds].join(','));
    }
    const mac = n.tap ? `,mac=${n.tap.mac}` : '';
    // romfile= skips the iPXE option ROM: nothing boots from the network, and loading it costs time.
    out.push('-device', pci ? `virtio-net-pci,netdev=net0,romfile=${mac}` : `virtio-net-device,netdev=net0${mac}`);
  }
  for (const b of devices.block) {
    out.push('-drive', `file=${optPath(b.file)},if=none,id=blk-${b.name},format=raw`);
    out.push('-device', `${pci ? 'virtio-blk-pci' : 'virtio-blk-device'},drive=blk-${b.name}`);
  }
  for (const s of devices.share) {
    out.push('-fsdev', `local,id=${s.tag},path=${optPath(s.source)},security_model=none`);
    out.push('-device', `${pci ? 'virtio-9p-pci' : 'virtio-9p-device'},fsdev=${s.tag},mount_tag=${s.tag}`);
  }
  return out;
}

/** Pure: the complete QEMU argv for a boot spec. No shell ever sees it. */
export function qemuArgv(spec: QemuBootSpec, accel: Accel): string[] {
  const m = spec.machine;
  return [
    ...MACHINE[m.type],
    ...(m.noAcpi && m.type !== 'microvm' ? ['-machine', 'acpi=off'] : []),
    '-accel', accel,
    '-cpu', `${accel === 'kvm' ? 'host' : 'max'}${m.noApic ? ',-apic' : ''}`,
    '-m', `${spec.memoryMiB}M`,
    '-nodefaults', '-no-user-config', '-display', 'none', '-serial', 'stdio', '-no-reboot',
    ...(m.noPciHotplug && !m.noAcpi && m.type !== 'microvm' ? ['-global', 'PIIX4_PM.acpi-pci-hotplug-with-bridge-support=off', '-global', 'PIIX4_PM.acpi-root-pci-hotplug=off'] : []),
    ...(m.debugExit ? ['-device', `isa-debug-exit,iobase=0x${m.debugExit.iobase.toString(16)},iosize=0x${m.debugExit.iosize.toString(16)}`] : []),
    '-kernel', spec.kernel,
    ...(spec.append ? ['-append', spec.append] : []),
    ...(spec.initrd ? ['-initrd', optPath(spec.initrd)] : []),
    ...Object.entries(spec.fwCfg ?? {}).flatMap(([name, value]) => ['-fw_cfg', `name=${optPath(name)},string=${optPath(value)}`]),
    ...spec.disks.flatMap((d) => [
      '-drive', `file=${optPath(d.file)},if=none,id=${d.id},format=raw${d.readOnly ? ',readonly=on' : ''}`,
      '-device', `${m.type === 'microvm' ? 'virtio-blk-device' : 'virtio-blk-pci'},drive=${d.id}`,
    ]),
    ...deviceArgv(spec.devices, m.type),
    ...(spec.qmp ? ['-qmp', `unix:${optPath(spec.qmp)},server=on,wait=off`] : []),
  ];
}
