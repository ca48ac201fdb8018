import type { Devices } from '../manifest/devices.js';

export type Accel = 'kvm' | 'tcg';

/** What a QEMU exit status means for a given guest: data, so a detached supervisor can apply it too. */
export interface ExitMeaning {
  code: number;
  how: string;
}

export interface ExitMap {
  /** QEMU exit status → meaning. */
  statuses: Record<string, ExitMeaning>;
  /** isa-debug-exit statuses not listed: guest code = (status - 1) / 2. */
  debugExitDecodes: boolean;
  /** Statuses not listed are the guest's own exit code (Solo5 tenders). */
  passthrough?: boolean;
  /**
   * For these statuses the code is on the console: group 1 of the pattern's last match (Solo5 virtio exits
   * QEMU with 83 whatever the guest's status). No match means the guest stopped without reporting one.
   */
  consoleCode?: {
    statuses: number[];
    pattern: string;
    /** No match: the status's own meaning stands (OSv prints only non-zero statuses) instead of failing. */
    silentMeansStatus?: boolean;
  };
}

/** The machine a target wants: decided by the target from the image's devices (pure). */
export interface QemuMachine {
  /** 'microvm' | 'pc' (SeaBIOS) | 'pc-qboot' */
  type: 'microvm' | 'pc' | 'pc-qboot';
  /** isa-debug-exit device, when the guest signals its exit through it. */
  debugExit: { iobase: number; iosize: number } | null;
  /**
   * A CPU without a local APIC (-cpu …,-apic), so the 8259 PIC's interrupts reach it directly: for guests that
   * take their timer from the PIT through the PIC (Solo5 virtio) on machines whose firmware leaves the APIC's
   * virtual-wire input masked (microvm, qboot; SeaBIOS sets it up).
   */
  noApic?: boolean;
  /**
   * pc only: no ACPI PCI hotplug (PIIX4_PM). QEMU then leaves the hotplug methods of every PCI slot out of its
   * DSDT, which a guest that loads the ACPI namespace (OSv's ACPICA) interprets at boot under TCG.
   */
  noPciHotplug?: boolean;
  /**
   * pc only: no ACPI at all (-machine acpi=off): SeaBIOS builds no tables and the guest finds its CPUs in the MP
   * table and powers off through a reset (an exit under -no-reboot). For kernels patched to boot without it (OSv).
   */
  noAcpi?: boolean;
  /** The guest powers off on an ACPI power button (QMP system_powerdown): OSv booted with ACPI. */
  powerButton?: boolean;
}

/** A guest QEMU boots; the argv is built from this by qemuArgv. */
export interface QemuBootSpec {
  kind: 'qemu';
  kernel: string;
  /** The whole kernel command line (-append). */
  append: string;
  memoryMiB: number;
  machine: QemuMachine;
  devices: Devices;
  exit: ExitMap;
  /** Extra disks the target boots with (e.g. an OSv root filesystem), attached as virtio-blk. */
  disks: { id: string; file: string; readOnly: boolean }[];
  /** Regex (multiline) over the console marking the end of the kernel's own boot, measured apart from first output. */
  bootedMarker?: string;
  /** QEMU fw_cfg files (name → string content), e.g. the host's TSC frequency for a patched kernel. */
  fwCfg?: Record<string, string>;
  /** An initial RAM disk (-initrd), e.g. a Unikraft image's `files` as a cpio archive. */
  initrd?: string;
  /** A QMP socket QEMU listens on (unik-runtime: its stop presses the power button through it). */
  qmp?: string;
}

/**
 * A guest started by a Solo5 tender (solo5-spt, solo5-hvt): no VMM, the tender loads the image itself.
 * `args` are the tender's arguments (device flags, image, app arguments), built by the target.
 */
export interface TenderBootSpec {
  kind: 'tender';
  /** Absolute path of the tender binary. */
  tender: string;
  args: string[];
  /** 'spt' | 'hvt': shown as the machine. */
  machine: string;
  /** The tender runs the guest under KVM itself (solo5-hvt): refused up front where KVM is not usable. */
  needsKvm?: boolean;
  memoryMiB: number;
  devices: Devices;
  exit: ExitMap;
}

export type BootSpec = QemuBootSpec | TenderBootSpec;

/** The machine as reported in results: QEMU machine type, or the tender's name. */
export const machineName = (spec: BootSpec): string => (spec.kind === 'qemu' ? spec.machine.type : spec.machine);
