/** CHS address of an LBA as OSv's imgedit.py writes it (capped at 1023/254/63, as MBR tools do). */
function chs(lba: number): [number, number, number] {
  const c = Math.floor(lba / 63 / 255);
  return c > 1023 ? [1023, 254, 63] : [c, Math.floor(lba / 63) % 255, (lba % 63) + 1];
}

/**
 * Pure: a raw disk holding a rofs image as OSv expects it. OSv mounts /dev/vblk0.1, the MBR's *second*
 * entry (an unpartitioned disk is not mounted), so the sector has only that entry, pointing at LBA 1.
 * Building it here saves scripts/build's qemu-nbd round trip and qcow2 conversion.
 */
export function rofsDisk(rofs: Uint8Array): Buffer {
  const sectors = Math.ceil(rofs.length / 512);
  const disk = Buffer.alloc(512 + sectors * 512);
  const [c, h, s] = chs(1);
  const [ce, he, se] = chs(1 + sectors);
  const e = 0x1be + 0x10;
  disk.writeUInt8(0, e);
  disk.writeUInt8(h, e + 1);
  disk.writeUInt16LE((c << 6) | s, e + 2);
  disk.writeUInt8(0x83, e + 4);
  disk.writeUInt8(he, e + 5);
  disk.writeUInt16LE(((ce << 6) | se) & 0xffff, e + 6);
  disk.writeUInt32LE(1, e + 8);
  disk.writeUInt32LE(sectors, e + 12);
  disk[510] = 0x55;
  disk[511] = 0xaa;
  disk.set(rofs, 512);
  return disk;
}
