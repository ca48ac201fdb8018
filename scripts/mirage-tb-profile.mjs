#!/usr/bin/env node
// Where a MirageOS virtio boot goes under TCG (issue 12). Never part of the tests:
//   node scripts/mirage-tb-profile.mjs KERNEL [EXTRA QEMU ARGS…]
// KERNEL is a console-only Solo5 virtio image (images/<id>/<name>.virtio). It boots once with unik's argv shape
// (microvm, no local APIC, quiet Solo5) under QEMU's `-d in_asm`, which logs every block TCG translates, names each
// block's function from the image's symbols (`nm`), and sums the guest instructions translated by origin: OCaml
// module (from the `caml<Module>__` prefix), the OCaml runtime (`caml_*`), other C (Solo5, nolibc), the firmware.
// Under TCG a unikernel that runs its start-up code once pays mostly for translating it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { symbolAt, textSymbols, translatedBlocks } from './tb-log.mjs';

const [kernel, ...extra] = process.argv.slice(2);
if (!kernel) throw new Error('usage: mirage-tb-profile.mjs KERNEL [EXTRA QEMU ARGS…]');

/** Pure: the origin a function belongs to. */
const origin = (fn) => {
  if (fn === null) return '<firmware>';
  // The top module: Stdlib__Format → Stdlib; dune names the app's executable modules Dune__exe__*.
  const ocaml = /^caml([A-Z][A-Za-z0-9_]*?)__/.exec(fn);
  if (ocaml) return ocaml[1] === 'Dune' ? "the app and mirage's generated main" : ocaml[1].replace(/^Camlinternal.*/, 'Stdlib').replace(/^Cmdliner_.*/, 'Cmdliner');
  return fn.startsWith('caml_') ? 'OCaml runtime' : 'C (Solo5, nolibc, runtime helpers)';
};

const scratch = mkdtempSync(join(tmpdir(), 'mirage-tb-'));
try {
  const log = join(scratch, 'in_asm.log');
  const argv = [
    '-M', 'microvm', '-accel', 'tcg', '-cpu', 'max,-apic', '-m', '32M', '-nodefaults', '-no-user-config', '-display', 'none',
    '-serial', 'stdio', '-no-reboot', '-device', 'isa-debug-exit,iobase=0x501,iosize=0x2', '-kernel', kernel,
    '-append', '--solo5:quiet', ...extra, '-d', 'in_asm', '-D', log,
  ];
  const q = spawnSync('qemu-system-x86_64', argv, { stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  // Solo5's virtio exit writes 41 to isa-debug-exit: QEMU says 83.
  if (q.status !== 83) throw new Error(`QEMU exited with ${q.status ?? q.signal}, expected 83 (solo5_exit)`);

  const syms = textSymbols(kernel);
  const blocks = translatedBlocks(log);
  const total = blocks.reduce((n, b) => n + b.insns, 0);
  const by = new Map();
  for (const b of blocks) {
    const o = origin(symbolAt(syms, b.addr));
    by.set(o, (by.get(o) ?? 0) + b.insns);
  }
  console.log(`${total} guest instructions translated in ${blocks.length} blocks (QEMU -d in_asm), by origin:\n`);
  for (const [o, n] of [...by].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`${String(n).padStart(7)} ${((100 * n) / total).toFixed(1).padStart(5)} %  ${o}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
