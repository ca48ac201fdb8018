import { describe, expect, it } from 'vitest';
import { rofsDisk } from '../../../targets/osv/disk.js';

describe('rofsDisk', () => {
  const rofs = Buffer.alloc(158_720 + 100, 7);
  const disk = rofsDisk(rofs);

  it('is one sector + the rofs padded to whole sectors', () => {
    expect(disk.length).toBe(512 + Math.ceil(rofs.length / 512) * 512);
    expect(disk.subarray(512, 512 + rofs.length).equals(rofs)).toBe(true);
    expect(disk.subarray(512 + rofs.length).every((b) => b === 0)).toBe(true);
  });

  it('has only the second MBR entry (OSv mounts vblk0.1): Linux type, LBA 1, the rofs sectors, and the signature', () => {
    expect(disk.subarray(0x1be, 0x1ce).every((b) => b === 0)).toBe(true);
    expect(disk[0x1ce + 4]).toBe(0x83);
    expect(disk.readUInt32LE(0x1ce + 8)).toBe(1);
    expect(disk.readUInt32LE(0x1ce + 12)).toBe(Math.ceil(rofs.length / 512));
    expect(disk.readUInt16LE(0x1ce + 2)).toBe(2); // CHS of LBA 1: cylinder 0, sector 2
    expect([disk[510], disk[511]]).toEqual([0x55, 0xaa]);
  });
});
