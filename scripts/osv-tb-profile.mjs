#!/usr/bin/env node
// Where an OSv guest's TCG boot goes, finer than console lines (issue 12). Never part of the tests:
//   node scripts/osv-tb-profile.mjs OUT_DIR DISK APPEND [EXTRA QEMU ARGS…]
// OUT_DIR is an OSv out directory (kernel.json's outDir): it boots OUT_DIR/loader-stripped.elf once with unik's
// argv shape and QEMU's `-d in_asm`, which logs every block TCG translates, and names each block's function
// from OUT_DIR/loader.elf (`nm`). Under TCG a kernel that runs most of its code once pays for translating it:
// the counts per phase (phase = from the first block of one marker function to the first of the next) show
// where that goes, and the top functions what it is. DISK may be '' (ramfs).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { symbolAt, textSymbols, translatedBlocks } from './tb-log.mjs';

/** Functions whose first translated block opens a phase, in boot order. */
const MARKERS = [
  ['firmware + loading (SeaBIOS, QEMU option ROMs)', null],
  ['early boot before premain', 'premain'],
  ['constructors, memory, ACPI tables', 'arch_init_premain'],
  ['command line, scheduler start', 'main_cont'],
  ['SMP, first threads', 'smp_launch'],
  ['ACPI namespace (acpi::init)', 'acpi::init'],
  ['BSD init, first mounts', 'bsd_init'],
  ['main thread, PCI scan', 'do_main_thread'],
  ['drivers (virtio-blk), rofs', 'hw::driver_manager::load_all'],
  ['pivot_rootfs, /proc /sys, command parse', 'pivot_rootfs'],
  ['loading the app', 'osv::application::run('],
  ['the app, then unloading it (patch 0002: its destructors)', 'osv::application::run_main'],
  ['unmounts', 'vfs_exit'],
  ['power-off', 'osv::poweroff'],
];

const [outDir, disk, append, ...extra] = process.argv.slice(2);
if (!outDir || disk === undefined || append === undefined) throw new Error('usage: osv-tb-profile.mjs OUT_DIR DISK APPEND [EXTRA QEMU ARGS…]');

const scratch = mkdtempSync(join(tmpdir(), 'osv-tb-'));
try {
  const log = join(scratch, 'in_asm.log');
  const argv = [
    '-M', 'pc', '-accel', 'tcg', '-cpu', 'max', '-m', '256M', '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', 'stdio', '-no-reboot', '-kernel', join(outDir, 'loader-stripped.elf'), '-append', append,
    ...(disk ? ['-drive', `file=${disk},if=none,id=rootfs,format=raw,readonly=on`, '-device', 'virtio-blk-pci,drive=rootfs'] : []),
    ...extra, '-d', 'in_asm', '-D', log,
  ];
  const q = spawnSync('qemu-system-x86_64', argv, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  if (q.status !== 0) throw new Error(`QEMU exited with ${q.status ?? q.signal}`);

  // Text symbols, sorted by address; the kernel runs at 0x40200000 and, before paging is set up, at 0x200000.
  const syms = textSymbols(join(outDir, 'loader.elf'), true);
  const name = (a) => {
    const v = a >= 0x200000 && a < 0x40000000 ? a + 0x40000000 : a;
    if (v < 0x40200000 || v >= 0x40800000) return v >= 0x100000000000 ? '<app and its libraries>' : '<firmware>';
    return symbolAt(syms, v);
  };
  const blocks = translatedBlocks(log).map((b) => name(b.addr));

  const starts = MARKERS.map(([, fn]) => (fn === null ? 0 : blocks.findIndex((s) => s.startsWith(fn))));
  console.log(`${blocks.length} blocks translated (QEMU -d in_asm), by phase:\n`);
  MARKERS.forEach(([label], i) => {
    if (starts[i] < 0) return console.log(`${'—'.padStart(7)}  ${label} (not reached)`);
    const next = starts.slice(i + 1).find((s) => s >= 0) ?? blocks.length;
    const top = new Map();
    for (const s of blocks.slice(starts[i], next)) top.set(s.split('(')[0], (top.get(s.split('(')[0]) ?? 0) + 1);
    const head = [...top].sort((a, b) => b[1] - a[1]).slice(0, 4).map(([s, n]) => `${s.slice(0, 40)} ${n}`).join(', ');
    console.log(`${String(next - starts[i]).padStart(7)}  ${label}: ${head}`);
  });
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
