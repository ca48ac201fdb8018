#!/usr/bin/env node
// Where an OSv guest's TCG boot goes, phase by phase (issue 12). Never part of the tests:
//   node scripts/osv-phases.mjs [--runs 10] 'LABEL|KERNEL|DISK|APPEND[|MEMORY_MIB[|EXTRA QEMU ARGS]]' …
// OSv's own --bootchart prints nothing under TCG (its HPET clocksource cannot convert TSC ticks), so each phase
// ends at a console line, timestamped on the host as it arrives from QEMU's serial pipe (t0 just before spawn).
// The variants are booted interleaved, round by round, with unik's argv shape for OSv (-M pc, SeaBIOS, the disk
// read-only on virtio-blk; DISK may be empty for ramfs); medians per phase, in ms.
import { spawn } from 'node:child_process';
import { median } from './stats.mjs';

/** Milestones in boot order; a variant that never prints one (no network stack, say) merges it into the next. */
const MILESTONES = [
  ['OSv banner', /^OSv v/],
  ['CPUs detected', /CPUs detected/],
  ['ACPI / NUMA', /^NUMA:/],
  ['bsd init', /^bsd: initializing - done/],
  ['network stack', /^net: initializing - done/],
  ['PCI + virtio-blk probe', /^virtio-blk: Add/],
  ['random seeded', /^random: <Software, Yarrow> initialized/],
  ['root fs + mounts', /^VFS: mounting ramfs at \/tmp/],
  ['booted (0x3f0)', /^(Booted up in|Cmdline:)/],
  ['app output', /^Hello/],
  ['power-off line', /^Powering off/],
];

const args = process.argv.slice(2);
const runsAt = args.indexOf('--runs');
const runs = runsAt >= 0 ? Number(args.splice(runsAt, 2)[1]) : 10;
const variants = args.map((v) => {
  const [label, kernel, disk, append, mem = '256', extra = ''] = v.split('|');
  if (!label || !kernel || append === undefined) throw new Error(`expected 'LABEL|KERNEL|DISK|APPEND[|MEMORY_MIB[|EXTRA QEMU ARGS]]', found ${JSON.stringify(v)}`);
  return { label, kernel, disk, append, mem, extra: extra.split(' ').filter(Boolean) };
});
if (!variants.length) throw new Error("usage: osv-phases.mjs [--runs N] 'LABEL|KERNEL|DISK|APPEND[|MEMORY_MIB[|EXTRA QEMU ARGS]]' …");

const qemuArgv = ({ kernel, disk, append, mem, extra }) => [
  '-M', 'pc', '-accel', 'tcg', '-cpu', 'max', '-m', `${mem}M`, '-nodefaults', '-no-user-config', '-display', 'none',
  '-serial', 'stdio', '-no-reboot', '-kernel', kernel, '-append', append,
  ...(disk ? ['-drive', `file=${disk},if=none,id=rootfs,format=raw,readonly=on`, '-device', 'virtio-blk-pci,drive=rootfs'] : []),
  ...extra,
];

/** One boot: the host time of each milestone's first line, and of QEMU's exit. */
const boot = (v) => new Promise((resolve, reject) => {
  const t0 = performance.now();
  const q = spawn('qemu-system-x86_64', qemuArgv(v), { stdio: ['ignore', 'pipe', 'inherit'] });
  const at = {};
  let buf = '';
  q.stdout.setEncoding('utf8').on('data', (d) => {
    const now = performance.now() - t0;
    buf += d;
    const lines = buf.split(/\r?\n/);
    buf = lines.pop();
    for (const line of lines) for (const [name, re] of MILESTONES) if (!(name in at) && re.test(line)) at[name] = now;
  });
  const timer = setTimeout(() => q.kill('SIGKILL'), 30_000);
  q.on('error', reject);
  q.on('exit', (code, signal) => {
    clearTimeout(timer);
    if (signal) reject(new Error(`${v.label}: QEMU did not exit within 30 s`));
    else resolve({ ...at, exit: performance.now() - t0 });
  });
});

const samples = Object.fromEntries(variants.map((v) => [v.label, []]));
for (let i = 0; i < runs; i++) for (const v of variants) samples[v.label].push(await boot(v));

/** Per boot: each phase = its milestone minus the previous milestone that boot printed. */
const phases = (b) => {
  const out = {};
  let prev = 0;
  for (const name of [...MILESTONES.map(([n]) => n), 'exit']) {
    if (b[name] === undefined) continue;
    out[name] = b[name] - prev;
    prev = b[name];
  }
  return out;
};

const names = [...MILESTONES.map(([n]) => n), 'exit'];
const col = (s) => s.padStart(14);
console.log(`OSv boot phases under TCG: QEMU -M pc, medians of ${runs} interleaved runs, ms (phase = from the previous line shown)\n`);
console.log(`${'phase ends at'.padEnd(26)}${variants.map((v) => col(v.label)).join('')}`);
for (const name of names) {
  const cells = variants.map((v) => {
    const xs = samples[v.label].map(phases).map((p) => p[name]).filter((x) => x !== undefined);
    return col(xs.length === runs ? median(xs).toFixed(1) : '—');
  });
  console.log(`${name.padEnd(26)}${cells.join('')}`);
}
console.log(`${'total (exit)'.padEnd(26)}${variants.map((v) => col(median(samples[v.label].map((b) => b.exit)).toFixed(1))).join('')}`);
